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

    private static String oneLine(Throwable t) {
        String m = t.getMessage();
        return (t.getClass().getSimpleName() + (m == null ? "" : ": " + m)).replaceAll("\\s+", " ");
    }
}
