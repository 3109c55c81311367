package org.kgmigration.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The JSON mapping of the import API, strict on input: unknown fields, wrong types (no coercion of
 * "5" to 5 or of 1 to true), duplicate keys, nulls for primitives and trailing data are errors.
 */
public final class ApiJson {
    private ApiJson() {
    }

    /**
     * A new strict mapper.
     *
     * @param maxStringChars the longest JSON string accepted (a base64 property value, for instance)
     */
    public static ObjectMapper mapper(int maxStringChars) {
        ObjectMapper m = JsonMapper.builder()
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .build();
        m.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxStringLength(maxStringChars).build());
        return m;
    }

    /** A strict mapper with a 64 MiB string limit. */
    public static ObjectMapper mapper() {
        return mapper(64 * 1024 * 1024);
    }
}
