package org.kgmigration.migrate;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Called by the {@code import-delivery} route configuration before each redelivery: counts the
 * retry for the report (in total and for the store the request belongs to) and logs it.
 */
public final class RetryCounter implements Processor {
    /** Exchange property naming the store a request belongs to. */
    public static final String STORE_PROPERTY = "kgmStoreGuid";
    private static final Logger LOG = LoggerFactory.getLogger(RetryCounter.class);
    private final ImportReport report;

    public RetryCounter(ImportReport report) {
        this.report = report;
    }

    @Override
    public void process(Exchange exchange) {
        report.retries.incrementAndGet();
        String store = exchange.getProperty(STORE_PROPERTY, String.class);
        if (store != null) {
            report.retriesOf(store);
        }
        Throwable cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        Integer attempt = exchange.getIn().getHeader(Exchange.REDELIVERY_COUNTER, Integer.class);
        Integer max = exchange.getIn().getHeader(Exchange.REDELIVERY_MAX_COUNTER, Integer.class);
        LOG.warn("retrying {} {} (attempt {} of {}) after: {}", exchange.getIn().getHeader(Exchange.HTTP_METHOD),
                exchange.getIn().getHeader(Exchange.HTTP_PATH), attempt == null ? "?" : attempt + 1,
                max == null ? "?" : max + 1, cause == null ? "?" : oneLine(cause));
    }

    /**
     * Whether a failed request is worth retrying: connection refused or reset, timeouts, a handshake
     * cut short. Not: certificate or host-name verification failures, unknown hosts.
     */
    public boolean isTransient(Exchange exchange) {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (t == null) {
            t = exchange.getException();
        }
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof javax.net.ssl.SSLPeerUnverifiedException || c instanceof java.net.UnknownHostException
                    || c instanceof java.security.cert.CertificateException
                    || c instanceof java.security.GeneralSecurityException) {
                return false;
            }
            String m = c.getMessage();
            if (m != null && (m.contains("PKIX") || m.contains("subject alternative names") || m.contains("certificate"))) {
                return false;
            }
        }
        return t != null;
    }

    private static String oneLine(Throwable t) {
        String m = t.getMessage();
        return (t.getClass().getSimpleName() + (m == null ? "" : ": " + m)).replaceAll("\\s+", " ");
    }
}
