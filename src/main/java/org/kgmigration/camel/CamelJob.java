package org.kgmigration.camel;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;
import org.kgmigration.error.KgmException;

/**
 * Runs a finite job on camel-main: loads the program's YAML routes, binds the beans the CLI made,
 * starts Camel, sends one request to the job's {@code direct:} entry route, waits for it and shuts
 * Camel down again. The routes do the work; the CLI only prepares and reports.
 */
public final class CamelJob implements AutoCloseable {
    private final Main main;
    private final ProducerTemplate template;

    private CamelJob(Main main) {
        this.main = main;
        this.template = main.getCamelContext().createProducerTemplate();
    }

    /** A builder for a job: name, route files, properties and beans. */
    public static Builder named(String name) {
        return new Builder(name);
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    /**
     * Sends {@code body} to {@code endpoint} and waits for the route to finish.
     *
     * @throws KgmException the route's user-facing error, unwrapped from Camel's wrapper
     */
    public <T> T request(String endpoint, Object body, Class<T> type) {
        try {
            return template.requestBody(endpoint, body, type);
        } catch (CamelExecutionException e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            if (c instanceof RuntimeException r) {
                throw r;
            }
            throw new KgmException(String.valueOf(c.getMessage()), c);
        }
    }

    @Override
    public void close() {
        try {
            template.close();
        } catch (Exception ignored) {
            // closing a template cannot lose data
        }
        main.stop();
    }

    /** Configures a camel-main instance for one program run. */
    public static final class Builder {
        private final String name;
        private String routes = "";
        private final Map<String, String> properties = new LinkedHashMap<>();
        private final Map<String, Object> beans = new LinkedHashMap<>();

        private Builder(String name) {
            this.name = name;
        }

        /** Comma-separated route locations, e.g. {@code classpath:routes/dump-*.camel.yaml}. */
        public Builder routes(String pattern) {
            this.routes = pattern;
            return this;
        }

        public Builder property(String key, Object value) {
            if (value != null) {
                properties.put(key, String.valueOf(value));
            }
            return this;
        }

        public Builder bean(String beanName, Object bean) {
            beans.put(beanName, bean);
            return this;
        }

        /** Starts Camel (non-blocking); close the job to stop it. */
        public CamelJob start() {
            Main main = new Main();
            main.configure().withName(name);
            main.configure().withRoutesIncludePattern(routes);
            main.configure().withJmxEnabled(false);
            main.configure().withShutdownTimeout(30);
            // a job's entry route either exists or the job is wrong: fail at once, do not wait 30 s
            main.addOverrideProperty("camel.component.direct.block", "false");
            properties.forEach(main::addOverrideProperty);
            beans.forEach(main::bind);
            try {
                main.start();
            } catch (Exception e) {
                main.stop();
                throw new KgmException("cannot start the Camel routes: " + e.getMessage(), e);
            }
            if (main.getCamelContext() == null) {
                throw new KgmException("cannot start the Camel routes of " + name);
            }
            return new CamelJob(main);
        }
    }
}
