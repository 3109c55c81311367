package org.kgmigration.camel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.camel.CamelExecutionException;
import org.junit.jupiter.api.Test;

class CamelJobTest {
    @Test
    void runs_a_yaml_route_with_cli_properties_and_stops() {
        String reply;
        CamelJob job = CamelJob.named("test").routes("classpath:routes-test/echo.camel.yaml")
                .property("greeting", "hello").start();
        try (job) {
            reply = job.request("direct:test-echo", "world", String.class);
            assertEquals(1, job.context().getRoutes().size());
        }
        assertEquals("hello world", reply);
        assertEquals(true, job.context().isStopped());
    }

    @Test
    void a_missing_entry_route_is_an_error() {
        try (CamelJob job = CamelJob.named("test").routes("classpath:routes-test/echo.camel.yaml")
                .property("greeting", "hi").start()) {
            assertThrows(RuntimeException.class, () -> job.request("direct:no-such-route", "x", String.class));
        }
    }

    @Test
    void an_exception_thrown_in_a_route_reaches_the_caller_unwrapped() {
        try (CamelJob job = CamelJob.named("test").routes("classpath:routes-test/echo.camel.yaml")
                .property("greeting", "hi").start()) {
            job.context().getRegistry().bind("boom", (org.apache.camel.Processor) e -> {
                throw new IllegalStateException("boom!");
            });
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> job.request("bean:boom", "x", String.class));
            assertEquals("boom!", e.getMessage());
        }
    }
}
