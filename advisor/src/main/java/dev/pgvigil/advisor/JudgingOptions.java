package dev.pgvigil.advisor;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.pgvigil.common.config.ConfigException;
import dev.pgvigil.common.config.ConfigFile;
import dev.pgvigil.rules.RuleThresholds;
import dev.pgvigil.rules.RulesConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --config FILE [--instance-id ID]}: judge with the thresholds the analyzer uses for this instance
 * ({@code analyzer.rules}: defaults, then {@code thresholds}, then {@code instances.ID}), so a one-shot
 * finding is the one the pipeline would raise. Without {@code --config}, the rules' defaults.
 */
public final class JudgingOptions {
    @Option(names = "--config", paramLabel = "FILE",
            description = "pgvigil configuration file: judge with its analyzer.rules thresholds (default: the built-in ones).")
    Path config;

    @Option(names = "--instance-id", paramLabel = "ID",
            description = "With --config: the instance's id in the configuration (its collector target id), for its own "
                    + "overrides under analyzer.rules.instances.")
    String instanceId;

    /** Only the analyzer section's {@code rules}: the rest of it is the analyzer's to check, not a one-shot command's. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record AnalyzerRules(RulesConfig rules) {
        AnalyzerRules {
            rules = rules == null ? RulesConfig.defaults() : rules;
        }
    }

    /** The thresholds to judge with; a bad file or section is a usage error (exit code 2), found before connecting. */
    public RuleThresholds thresholds() {
        if (config == null) {
            if (instanceId != null) {
                throw new AdvisorCommand.UsageException("--instance-id needs --config (the file with the instance's thresholds)");
            }
            return RuleThresholds.defaults();
        }
        try {
            RulesConfig rules = ConfigFile.load(config).section("analyzer", AnalyzerRules.class).rules();
            return rules.forInstance(instanceId == null ? "" : instanceId);
        } catch (ConfigException e) {
            throw new AdvisorCommand.UsageException(e.getMessage());
        }
    }
}
