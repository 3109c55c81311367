package org.kgmigration.importer;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away PKI for tests: a CA, a server certificate for 127.0.0.1, ::1 and localhost, and a
 * client certificate, written as PEM files; plus SSL contexts for java.net.http clients.
 */
public final class TestPki {
    public final Path dir;
    public final Path caCert;
    public final Path serverCert;
    public final Path serverKey;
    public final Path clientCert;
    public final Path clientKey;
    private final X509Certificate ca;
    private final X509Certificate client;
    private final KeyPair clientPair;

    private TestPki(Path dir, X509Certificate ca, X509Certificate client, KeyPair clientPair) {
        this.dir = dir;
        this.caCert = dir.resolve("ca.pem");
        this.serverCert = dir.resolve("server.pem");
        this.serverKey = dir.resolve("server-key.pem");
        this.clientCert = dir.resolve("client.pem");
        this.clientKey = dir.resolve("client-key.pem");
        this.ca = ca;
        this.client = client;
        this.clientPair = clientPair;
    }

    public static TestPki create(Path dir) {
        try {
            Files.createDirectories(dir);
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(256);
            KeyPair caPair = g.generateKeyPair();
            X500Name caName = new X500Name("CN=kg-migration test CA");
            X509Certificate ca = sign(caName, caPair, caName, caPair, true, null);
            KeyPair serverPair = g.generateKeyPair();
            GeneralNames san = new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.iPAddress, "::1"),
                new GeneralName(GeneralName.dNSName, "localhost")});
            X509Certificate server = sign(new X500Name("CN=localhost"), serverPair, caName, caPair, false, san);
            KeyPair clientPair = g.generateKeyPair();
            X509Certificate client = sign(new X500Name("CN=migrate client"), clientPair, caName, caPair, false, null);
            TestPki p = new TestPki(dir, ca, client, clientPair);
            pem(p.caCert, ca);
            pem(p.serverCert, server, ca);
            pem(p.serverKey, serverPair.getPrivate());
            pem(p.clientCert, client, ca);
            pem(p.clientKey, clientPair.getPrivate());
            return p;
        } catch (GeneralSecurityException | IOException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate sign(X500Name subject, KeyPair subjectPair, X500Name issuer, KeyPair issuerPair,
            boolean isCa, GeneralNames san) throws GeneralSecurityException, IOException,
            org.bouncycastle.operator.OperatorCreationException {
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, new SecureRandom()),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(2))), subject,
                subjectPair.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        if (isCa) {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
        }
        if (san != null) {
            b.addExtension(Extension.subjectAlternativeName, false, san);
        }
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerPair.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    }

    private static void pem(Path file, Object... objects) throws IOException {
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            for (Object o : objects) {
                if (o instanceof java.security.PrivateKey k) {
                    w.writeObject(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null)); // "PRIVATE KEY"
                } else {
                    w.writeObject(o);
                }
            }
        }
        Files.writeString(file, sw.toString());
    }

    /** Trusts the test CA; presents the client certificate when {@code withClientCert}. */
    public SSLContext clientContext(boolean withClientCert) {
        try {
            KeyStore ts = KeyStore.getInstance("PKCS12");
            ts.load(null, null);
            ts.setCertificateEntry("ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ts);
            KeyManagerFactory kmf = null;
            if (withClientCert) {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("client", clientPair.getPrivate(), "pw".toCharArray(),
                        new java.security.cert.Certificate[] {client, ca});
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, "pw".toCharArray());
            }
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
            return c;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

}
