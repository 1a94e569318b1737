package dev.pgvigil.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority made up on the spot and a broker certificate it signed for 127.0.0.1 and
 * localhost, as PKCS12 files, for an embedded broker's TLS listener in tests and demos. Made with the
 * JDK's own keytool, so no extra dependency; valid for two days.
 *
 * @param keystore the broker's key and certificate chain
 * @param truststore the CA's certificate, for clients
 * @param password of both stores (random)
 */
public record ThrowawayTls(Path keystore, Path truststore, String password) {

    /** Creates the CA, the broker's key and both stores in {@code dir}. */
    public static ThrowawayTls create(Path dir) {
        byte[] random = new byte[12];
        new SecureRandom().nextBytes(random);
        String pw = HexFormat.of().formatHex(random);
        Path ca = dir.resolve("ca.p12");
        Path keystore = dir.resolve("broker.p12");
        Path truststore = dir.resolve("truststore.p12");
        Path csr = dir.resolve("broker.csr");
        Path brokerCert = dir.resolve("broker.crt");
        Path caCert = dir.resolve("ca.crt");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=pgvigil throwaway CA",
                "-ext", "bc:c", "-validity", "2", "-keystore", ca.toString(), "-storetype", "PKCS12", "-storepass", pw);
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-validity", "2", "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", pw);
        keytool("-certreq", "-alias", "broker", "-keystore", keystore.toString(), "-storepass", pw, "-file", csr.toString());
        keytool("-gencert", "-alias", "ca", "-keystore", ca.toString(), "-storepass", pw, "-infile", csr.toString(), "-outfile", brokerCert.toString(),
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-rfc");
        keytool("-exportcert", "-alias", "ca", "-keystore", ca.toString(), "-storepass", pw, "-rfc", "-file", caCert.toString());
        keytool("-importcert", "-alias", "ca", "-file", caCert.toString(), "-keystore", keystore.toString(), "-storepass", pw, "-noprompt");
        keytool("-importcert", "-alias", "broker", "-file", brokerCert.toString(), "-keystore", keystore.toString(), "-storepass", pw);
        keytool("-importcert", "-alias", "ca", "-file", caCert.toString(), "-keystore", truststore.toString(), "-storetype", "PKCS12",
                "-storepass", pw, "-noprompt");
        return new ThrowawayTls(keystore, truststore, pw);
    }

    /**
     * The CA certificate, the server certificate and its unencrypted private key as PEM files next to the
     * keystore (the key written now), for servers that read PEM rather than PKCS12 (PostgreSQL's {@code ssl_cert_file},
     * {@code ssl_key_file}, a client's {@code sslrootcert}).
     */
    public Pem pem() {
        Path dir = keystore.getParent();
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(keystore)) {
                store.load(in, password.toCharArray());
            }
            Key key = store.getKey("broker", password.toCharArray());
            Path keyFile = dir.resolve("server.key");
            Files.writeString(keyFile, pemBlock("PRIVATE KEY", key.getEncoded()), StandardCharsets.US_ASCII); // PKCS#8
            Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
            // create() left both certificates as PEM already (keytool -rfc); only the key must come out of the store
            return new Pem(dir.resolve("ca.crt"), dir.resolve("broker.crt"), keyFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write PEM files to " + dir, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read " + keystore + ": " + e.getMessage(), e);
        }
    }

    private static String pemBlock(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** PEM files of a {@link ThrowawayTls}: the CA's certificate, the server's certificate (SAN localhost, 127.0.0.1) and key. */
    public record Pem(Path caCert, Path serverCert, Path serverKey) {
    }

    private static void keytool(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.add("-J-XX:TieredStopAtLevel=1"); // each call is a short-lived JVM: start fast
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool " + args[0] + " failed: " + output.strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run keytool", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running keytool", e);
        }
    }

    @Override
    public String toString() {
        return "ThrowawayTls[" + keystore + ", " + truststore + "]";
    }
}
