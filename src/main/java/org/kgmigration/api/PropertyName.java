package org.kgmigration.api;

/**
 * The name of a named property: a property-set GUID and either a numeric id (LID) or a string.
 *
 * @param guid {@code "{00062002-0000-0000-C000-000000000046}"}
 * @param lid  the numeric id (MNID_ID), or null
 * @param name the string name (MNID_STRING), or null
 */
public record PropertyName(String guid, Long lid, String name) {
}
