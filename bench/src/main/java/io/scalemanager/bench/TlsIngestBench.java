package io.scalemanager.bench;

import io.scalemanager.core.access.Credentials;
import io.scalemanager.core.tls.TestPki;
import io.scalemanager.server.config.ConfigLoader;
import io.scalemanager.server.wiring.AllInOne;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What TLS and scoped tokens cost the all-in-one's ingestion (issue 14, Speed: at most 15%): two all-in-ones in
 * this JVM, each on its own H2 file, one on plain HTTP with the plain {@code api.token}, one on HTTPS (a private
 * CA made here) with a tokens file whose ingest token is bound to {@code vm-*}, so every state is matched against
 * the glob. The same load ({@link LoadGenerator}, as fast as answers come) runs on each in turn, alternating,
 * so the shared machine's load falls on both alike; the figures are accepted states per second.
 *
 * <pre>
 * java -cp 'bench/target/lib/*:bench/target/classes' -Dseconds=15 -Drounds=2 io.scalemanager.bench.TlsIngestBench
 * </pre>
 */
public final class TlsIngestBench {
    private static final String PLAIN_TOKEN = "bench-plain-admin-token";
    private static final String INGEST_TOKEN = "bench-ingest-token-vm";

    private TlsIngestBench() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = Integer.getInteger("seconds", 15);
        int rounds = Integer.getInteger("rounds", 2);
        Path dir = Files.createTempDirectory("tls-bench");
        TestPki pki = TestPki.create(dir.resolve("pki"), "bench");
        TestPki.Issued cert = pki.server("server");
        Path tokens = Files.writeString(dir.resolve("tokens.yaml"), "tokens:\n"
                + "  - {name: admin, sha256: " + Credentials.sha256Hex(PLAIN_TOKEN) + ", scopes: [admin]}\n"
                + "  - {name: fleet-agents, sha256: " + Credentials.sha256Hex(INGEST_TOKEN)
                + ", scopes: [ingest], instances: \"vm-*\"}\n");
        try (AllInOne plain = start(dir.resolve("plain"), Map.of("SCALEMANAGER_API_TOKEN", PLAIN_TOKEN));
             AllInOne tls = start(dir.resolve("tls"), Map.of(
                     "SCALEMANAGER_API_TOKENS", tokens.toString(),
                     "SCALEMANAGER_TLS_CERT", cert.cert().toString(),
                     "SCALEMANAGER_TLS_KEY", cert.key().toString()))) {
            List<Double> plainRates = new ArrayList<>();
            List<Double> tlsRates = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                plainRates.add(load("http://" + plain.address(), PLAIN_TOKEN, null, seconds));
                tlsRates.add(load("https://" + tls.address(), INGEST_TOKEN, pki.caFile().toString(), seconds));
                System.out.printf(Locale.ROOT, "round %d: plain HTTP + api.token %,.0f states/s, "
                                + "HTTPS + ingest token (glob vm-*) %,.0f states/s%n", round,
                        plainRates.get(round - 1), tlsRates.get(round - 1));
            }
            double p = plainRates.stream().mapToDouble(Double::doubleValue).sum();
            double t = tlsRates.stream().mapToDouble(Double::doubleValue).sum();
            System.out.printf(Locale.ROOT, "TLS + ingest token / plain: %.2f (%d rounds of %d s each, alternating)%n",
                    t / p, rounds, seconds);
        }
    }

    private static AllInOne start(Path dir, Map<String, String> extra) throws Exception {
        Files.createDirectories(dir);
        Path rules = Files.writeString(dir.resolve("rules.yaml"), "rules: []\n");
        Map<String, String> env = new HashMap<>(extra);
        env.put("SCALEMANAGER_LISTEN", "127.0.0.1:0");
        env.put("SCALEMANAGER_DATA", dir.resolve("data").toString());
        env.put("SCALEMANAGER_RULES", rules.toString());
        env.put("SCALEMANAGER_CLEANER_ENABLED", "false");
        return AllInOne.start(new ConfigLoader(env).load(Optional.empty(), Map.of()));
    }

    /** Accepted states per second over {@code seconds} of load as fast as the server answers. */
    private static double load(String url, String token, String caFile, int seconds) throws Exception {
        List<String> args = new ArrayList<>(List.of("--url", url, "--duration", seconds + "s",
                "--instances", "10000", "--batch", "500", "--concurrency", "4", "--token", token,
                "--metrics-url", "none"));
        if (caFile != null) {
            args.addAll(List.of("--ca-file", caFile));
        }
        LoadGenerator generator = new LoadGenerator(LoadGenerator.Options.parse(args.toArray(String[]::new)));
        generator.run();
        return generator.accepted() / (double) seconds;
    }
}
