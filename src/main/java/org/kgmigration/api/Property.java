package org.kgmigration.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One MAPI property on the wire.
 *
 * @param tag   the 32-bit property tag including the type, {@code "0x0037001F"}
 * @param type  the type name, {@code "PT_UNICODE"}; must agree with the tag's low 16 bits
 * @param value the value in the encoding of its type (docs/import-api.md, "Property values")
 * @param name  for named properties (id 0x8000 and above) only: the name by GUID and LID or string
 */
public record Property(String tag, String type, JsonNode value, PropertyName name) {
}
