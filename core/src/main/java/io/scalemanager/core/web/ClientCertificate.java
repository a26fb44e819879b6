package io.scalemanager.core.web;

import io.javalin.http.Context;
import io.scalemanager.core.access.Caller;
import io.scalemanager.core.access.Scope;
import io.scalemanager.core.pattern.InstancePattern;
import io.scalemanager.core.state.Identifier;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import java.security.cert.X509Certificate;
import java.util.EnumSet;
import java.util.Optional;

/**
 * A client certificate as a caller (CONTRACT.md, "Access"): with {@code tls.client_ca} set, Jetty asks every client
 * for a certificate and refuses, in the handshake, one that does not chain to that CA. A verified certificate stands
 * for an ingest token bound to exactly the instance named by its subject's CN ({@code CN=web-1}); the audit trail
 * names the caller by that CN. A CN that is not a valid instance id grants nothing.
 */
final class ClientCertificate {
    private static final String ATTRIBUTE = "jakarta.servlet.request.X509Certificate";

    private ClientCertificate() {
    }

    static Optional<Caller> caller(Context ctx) {
        if (!(ctx.req().getAttribute(ATTRIBUTE) instanceof X509Certificate[] chain) || chain.length == 0) {
            return Optional.empty();
        }
        return commonName(chain[0]).filter(Identifier.INSTANCE::isValid)
                .map(cn -> new Caller(cn, EnumSet.of(Scope.INGEST), InstancePattern.parse(cn)));
    }

    static Optional<String> commonName(X509Certificate cert) {
        try {
            LdapName name = new LdapName(cert.getSubjectX500Principal().getName());
            // The most specific CN, the leftmost in RFC 2253 text: LdapName keeps the rightmost at index 0.
            for (int i = name.size() - 1; i >= 0; i--) {
                Rdn rdn = name.getRdn(i);
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return Optional.of(rdn.getValue().toString());
                }
            }
            return Optional.empty();
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
    }
}
