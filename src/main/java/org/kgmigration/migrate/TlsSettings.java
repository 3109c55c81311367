package org.kgmigration.migrate;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.net.ssl.X509TrustManager;
import org.apache.camel.support.jsse.KeyManagersParameters;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.kgmigration.error.UsageException;

/**
 * The TLS settings of the HTTPS client as Camel {@link SSLContextParameters}: the server
 * certificate is verified against a CA bundle (PEM, {@code tls.ca_file} / {@code --ca-file}), a
 * trust store (PKCS12 or JKS, {@code tls.trust_store}) or, when neither is set, the JVM's default
 * trust store; a client certificate (PEM chain + PEM key) is presented when configured. Host
 * names are always checked unless {@code --insecure} turns every check off.
 */
public final class TlsSettings {
    private TlsSettings() {
    }

    /** The SSL context parameters for {@code cfg}; never null. */
    public static SSLContextParameters build(MigrateConfig cfg, Map<String, String> env) {
        SSLContextParameters p = new SSLContextParameters();
        p.setSecureSocketProtocol("TLS");
        TrustManagersParameters tmp = new TrustManagersParameters();
        if (cfg.insecure) {
            tmp.setTrustManager(new TrustAll());
            p.setTrustManagers(tmp);
        } else if (cfg.caFile != null) {
            KeyStoreParameters ksp = new KeyStoreParameters();
            ksp.setKeyStore(caStore(cfg.caFile));
            tmp.setKeyStore(ksp);
            p.setTrustManagers(tmp);
        } else if (cfg.trustStore != null) {
            KeyStoreParameters ksp = new KeyStoreParameters();
            ksp.setKeyStore(trustStore(cfg, env));
            tmp.setKeyStore(ksp);
            p.setTrustManagers(tmp);
        }
        if (cfg.clientCert != null) {
            byte[] r = new byte[16];
            new SecureRandom().nextBytes(r);
            String pw = HexFormat.of().formatHex(r);
            KeyStoreParameters ksp = new KeyStoreParameters();
            ksp.setKeyStore(clientStore(cfg.clientCert, cfg.clientKey, pw.toCharArray()));
            ksp.setPassword(pw);
            KeyManagersParameters kmp = new KeyManagersParameters();
            kmp.setKeyStore(ksp);
            kmp.setKeyPassword(pw);
            p.setKeyManagers(kmp);
        }
        return p;
    }

    static KeyStore caStore(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new UsageException("CA file " + pem + " holds no certificate (PEM expected)");
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                ks.setCertificateEntry("ca" + i++, c);
            }
            return ks;
        } catch (IOException e) {
            throw new UsageException("cannot read the CA file " + pem + ": " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new UsageException("CA file " + pem + " is not a PEM certificate bundle: " + e.getMessage());
        }
    }

    private static KeyStore trustStore(MigrateConfig cfg, Map<String, String> env) {
        String pwEnv = cfg.trustStorePasswordEnv;
        char[] pw = null;
        if (pwEnv != null) {
            String v = env.get(pwEnv);
            if (v == null) {
                throw new UsageException("tls.trust_store_password_env names " + pwEnv + ", which is not set");
            }
            pw = v.toCharArray();
        }
        String type = cfg.trustStoreType != null ? cfg.trustStoreType
                : cfg.trustStore.toString().toLowerCase(java.util.Locale.ROOT).endsWith(".jks") ? "JKS" : "PKCS12";
        try (InputStream in = Files.newInputStream(cfg.trustStore)) {
            KeyStore ks = KeyStore.getInstance(type);
            ks.load(in, pw);
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new UsageException("cannot read the trust store " + cfg.trustStore + " (" + type + "): " + e.getMessage());
        }
    }

    private static KeyStore clientStore(Path certPem, Path keyPem, char[] pw) {
        try {
            List<X509Certificate> chain = new ArrayList<>();
            try (InputStream in = Files.newInputStream(certPem)) {
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    chain.add((X509Certificate) c);
                }
            }
            if (chain.isEmpty()) {
                throw new UsageException("client certificate " + certPem + " holds no certificate (PEM expected)");
            }
            PrivateKey key;
            try (Reader r = Files.newBufferedReader(keyPem, StandardCharsets.US_ASCII); PEMParser pp = new PEMParser(r)) {
                Object o = pp.readObject();
                JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
                if (o instanceof PEMKeyPair kp) {
                    key = conv.getKeyPair(kp).getPrivate();
                } else if (o instanceof PrivateKeyInfo pki) {
                    key = conv.getPrivateKey(pki);
                } else {
                    throw new UsageException("client key " + keyPem + " is not an unencrypted PEM private key");
                }
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("client", key, pw, chain.toArray(new Certificate[0]));
            return ks;
        } catch (IOException e) {
            throw new UsageException("cannot read the client certificate or key: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new UsageException("bad client certificate or key: " + e.getMessage());
        }
    }

    /** --insecure: accepts every certificate (the CLI warns loudly). */
    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // not used by a client
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // --insecure: deliberately no check
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
