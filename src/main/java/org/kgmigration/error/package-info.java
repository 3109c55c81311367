/**
 * The errors a user can act on, and the programs' exit codes. Shared by every package (the dump
 * format in {@code stream} included), so it depends on nothing of ours.
 */
package org.kgmigration.error;
