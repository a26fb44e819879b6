package io.scalemanager.core.access;

import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.core.yaml.YamlError;
import io.scalemanager.core.yaml.YamlFile;
import io.scalemanager.core.yaml.YamlFileException;
import io.scalemanager.core.yaml.YamlMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.nodes.Node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The tokens file ({@code api.tokens}): {@code tokens: [{name, sha256, scopes: [...], instances: GLOB}]}, each
 * token stored only as the lowercase hex of its SHA-256. Re-read when the file changes (checked at most once a
 * second); a changed file with errors is logged and the tokens read before stay in force.
 */
public final class TokenFile {
    private static final Logger log = LoggerFactory.getLogger(TokenFile.class);
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:@-]{1,64}");
    private static final long CHECK_EVERY_NANOS = 1_000_000_000L;

    /** One token of the file. */
    public record Entry(byte[] sha256, Caller caller) {
    }

    private final Path file;
    private volatile List<Entry> entries;
    private volatile FileTime loadedModified;
    private volatile long loadedSize;
    private volatile long nextCheck;

    private TokenFile(Path file, List<Entry> entries, FileTime modified, long size) {
        this.file = file;
        this.entries = entries;
        this.loadedModified = modified;
        this.loadedSize = size;
        this.nextCheck = System.nanoTime() + CHECK_EVERY_NANOS;
    }

    /** Reads the file; its errors (with line and token) stop start-up. */
    public static TokenFile load(Path file) throws IOException, YamlFileException {
        FileTime modified = Files.getLastModifiedTime(file);
        long size = Files.size(file);
        return new TokenFile(file, parse(file), modified, size);
    }

    static List<Entry> parse(Path path) throws IOException, YamlFileException {
        YamlFile yaml = YamlFile.read(path, Map.of());
        List<Entry> out = new ArrayList<>();
        YamlMap top = yaml.top(List.of("tokens"), "'tokens:', a list of {name, sha256, scopes, instances}");
        if (top != null) {
            List<Node> items = top.list("tokens", "a list of {name, sha256, scopes, instances}");
            for (int i = 0; items != null && i < items.size(); i++) {
                YamlMap t = yaml.map(items.get(i), "tokens[" + (i + 1) + "]",
                        List.of("name", "sha256", "scopes", "instances"), "name, sha256, scopes and instances");
                if (t != null) {
                    entry(yaml, t).ifPresent(out::add);
                }
            }
        }
        yaml.throwIfInvalid(YamlFileException::new);
        return List.copyOf(out);
    }

    private static Optional<Entry> entry(YamlFile yaml, YamlMap t) {
        String name = t.required("name", "the token's name, shown in the audit trail").orElse(null);
        if (name != null && !NAME.matcher(name).matches()) {
            t.error("name", "'" + name + "' must be 1-64 characters of A-Z a-z 0-9 . _ : @ -");
            name = null;
        }
        String hash = t.required("sha256", "the lowercase hex SHA-256 of the token ('scalemanager tokens create' "
                + "prints it)").orElse(null);
        if (hash != null && !SHA256.matcher(hash).matches()) {
            t.error("sha256", "must be 64 lowercase hex digits (the token's SHA-256), not the token itself");
            hash = null;
        }
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        List<Node> scopeNodes = t.list("scopes", "a list of ingest, read, operate, admin");
        if (scopeNodes != null) {
            for (Node n : scopeNodes) {
                String s = yaml.text(n, t.subject(), "scopes", "one of ingest, read, operate, admin");
                if (s != null) {
                    Optional<Scope> scope = Scope.parse(s);
                    if (scope.isEmpty()) {
                        yaml.error(n, t.subject(), "scope '" + s + "' is not one of ingest, read, operate, admin");
                    }
                    scope.ifPresent(scopes::add);
                }
            }
            if (scopeNodes.isEmpty()) {
                t.error("scopes", "is missing or empty; give at least one of ingest, read, operate, admin");
            }
        }
        InstancePattern instances = InstancePattern.ANY;
        Optional<String> glob = t.text("instances", InstancePattern.FORM);
        if (glob.isPresent()) {
            try {
                instances = InstancePattern.parse(glob.get());
            } catch (IllegalArgumentException e) {
                t.error("instances", e.getMessage());
                return Optional.empty();
            }
        }
        if (name == null || hash == null || scopes.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Entry(HexFormat.of().parseHex(hash), new Caller(name, scopes, instances)));
    }

    /** The caller whose token hashes to {@code sha256}; every entry is compared, in constant time each. */
    public Optional<Caller> find(byte[] sha256) {
        reloadIfChanged();
        Caller found = null;
        for (Entry e : entries) {
            if (java.security.MessageDigest.isEqual(e.sha256(), sha256) && found == null) {
                found = e.caller();
            }
        }
        return Optional.ofNullable(found);
    }

    private void reloadIfChanged() {
        long now = System.nanoTime();
        if (now - nextCheck < 0) {
            return;
        }
        nextCheck = now + CHECK_EVERY_NANOS;
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            if (modified.equals(loadedModified) && size == loadedSize) {
                return;
            }
            entries = parse(file);
            loadedModified = modified;
            loadedSize = size;
            log.info("Tokens file {} re-read: {} token(s)", file, entries.size());
        } catch (YamlFileException e) {
            log.error("Tokens file {} changed but has errors; the tokens read before stay in force:\n{}", file,
                    e.errors().stream().map(YamlError::toString).reduce((a, b) -> a + "\n" + b).orElse(""));
        } catch (IOException e) {
            log.error("Tokens file {} cannot be read ({}); the tokens read before stay in force", file, e.toString());
        }
    }

    public int size() {
        return entries.size();
    }
}
