package org.kgmigration.api;

import java.util.List;

/**
 * What the server supports.
 *
 * @param apiVersion      {@link ImportApi#VERSION}
 * @param serverVersion   the kg-migration version of the server
 * @param messageClasses  the message-class whitelist (prefix rules, see docs/import-api.md)
 * @param limits          request limits
 * @param quotaEnforced   whether imports are refused (507) beyond a user's quota
 * @param folderRoles     the special folder roles understood
 * @param propertyTypes   the property type names accepted
 */
public record Capabilities(String apiVersion, String serverVersion, List<String> messageClasses, Limits limits,
        boolean quotaEnforced, List<String> folderRoles, List<String> propertyTypes) {
}
