package org.kgmigration.importer.server;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.kgmigration.api.ApiError;
import org.kgmigration.importer.ApiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the exception that ended a request into the API's error response: the status and message
 * of an {@link ApiException}, or 500 with a pointer to the server log for anything unexpected
 * (whose details are logged, never sent).
 */
public final class ApiErrorResponder implements Processor {
    private static final Logger LOG = LoggerFactory.getLogger(ApiErrorResponder.class);

    @Override
    public void process(Exchange exchange) {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        ApiError body;
        ApiException api = find(t);
        if (api != null) {
            body = new ApiError(api.status(), api.error(), api.getMessage());
            if (api.status() == 400 || api.status() == 507) {
                LOG.warn("{} {} from {}: {} {}", exchange.getIn().getHeader(Exchange.HTTP_METHOD),
                        exchange.getIn().getHeader(Exchange.HTTP_PATH), exchange.getProperty(ImportGuard.CLIENT),
                        api.status(), api.getMessage());
            }
        } else {
            LOG.error("{} {} from {} failed", exchange.getIn().getHeader(Exchange.HTTP_METHOD),
                    exchange.getIn().getHeader(Exchange.HTTP_PATH), exchange.getProperty(ImportGuard.CLIENT), t);
            body = new ApiError(500, "internal-error", "the server failed to process the request ("
                    + (t == null ? "unknown error" : t.getClass().getSimpleName()) + "); see the importer's log");
        }
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, body.status());
        exchange.getMessage().setBody(body);
    }

    private static ApiException find(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ApiException a) {
                return a;
            }
        }
        return null;
    }
}
