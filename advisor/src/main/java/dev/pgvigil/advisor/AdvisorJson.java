package dev.pgvigil.advisor;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.pgvigil.common.text.JsonOutput;
import dev.pgvigil.rules.FindingKind;
import java.io.IOException;

/** JSON for the advisor commands: a finding's kind as its wire name ({@code missing_index}), as on pgvigil.findings. */
public final class AdvisorJson {
    private AdvisorJson() {}

    public static JsonOutput create() {
        SimpleModule findings = new SimpleModule("pgvigil-findings");
        findings.addSerializer(FindingKind.class, new JsonSerializer<>() {
            @Override
            public void serialize(FindingKind kind, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeString(kind.wireName());
            }
        });
        return JsonOutput.create(findings);
    }
}
