package org.kgmigration.importer.server;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.kgmigration.error.KgmException;

/** Reads PEM certificate chains and private keys (PKCS#8, PKCS#1 RSA, SEC1 EC) into key stores. */
public final class PemFiles {
    private PemFiles() {
    }

    /** A key store holding the key with its certificate chain under alias "server". */
    public static KeyStore keyStore(Path certFile, Path keyFile, char[] password) {
        List<X509Certificate> chain = certificates(certFile);
        if (chain.isEmpty()) {
            throw new KgmException(certFile + ": no CERTIFICATE in this PEM file");
        }
        PrivateKey key = privateKey(keyFile);
        if (!matches(chain.get(0), key)) {
            throw new KgmException(keyFile + ": this key does not belong to the certificate in " + certFile);
        }
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("server", key, password, chain.toArray(new Certificate[0]));
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new KgmException("cannot use the TLS key " + keyFile + ": " + e.getMessage(), e);
        }
    }

    /** A trust store holding every certificate of a PEM file. */
    public static KeyStore trustStore(Path caFile) {
        List<X509Certificate> cas = certificates(caFile);
        if (cas.isEmpty()) {
            throw new KgmException(caFile + ": no CERTIFICATE in this PEM file");
        }
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int i = 0;
            for (X509Certificate c : cas) {
                ks.setCertificateEntry("ca" + i++, c);
            }
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new KgmException("cannot use " + caFile + ": " + e.getMessage(), e);
        }
    }

    /** Every certificate in a PEM file, in order. */
    public static List<X509Certificate> certificates(Path file) {
        List<X509Certificate> out = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            JcaX509CertificateConverter conv = new JcaX509CertificateConverter();
            for (Object o = p.readObject(); o != null; o = p.readObject()) {
                if (o instanceof X509CertificateHolder h) {
                    out.add(conv.getCertificate(h));
                }
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new KgmException("cannot read the certificate file " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** The first private key in a PEM file. */
    public static PrivateKey privateKey(Path file) {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            for (Object o = p.readObject(); o != null; o = p.readObject()) {
                if (o instanceof PEMKeyPair kp) {
                    return conv.getPrivateKey(kp.getPrivateKeyInfo());
                }
                if (o instanceof PrivateKeyInfo pki) {
                    return conv.getPrivateKey(pki);
                }
                if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new KgmException(file + ": the private key is encrypted; give an unencrypted key"
                            + " readable only by the importer's user");
                }
            }
        } catch (IOException e) {
            throw new KgmException("cannot read the key file " + file + ": " + e.getMessage(), e);
        }
        throw new KgmException(file + ": no PRIVATE KEY in this PEM file");
    }

    private static boolean matches(X509Certificate cert, PrivateKey key) {
        try {
            String alg = key.getAlgorithm().equals("EC") ? "SHA256withECDSA"
                    : key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : null;
            if (alg == null) {
                return true;
            }
            java.security.Signature s = java.security.Signature.getInstance(alg);
            s.initSign(key);
            byte[] data = "kg-migration".getBytes(StandardCharsets.US_ASCII);
            s.update(data);
            byte[] sig = s.sign();
            s.initVerify(cert.getPublicKey());
            s.update(data);
            return s.verify(sig);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
