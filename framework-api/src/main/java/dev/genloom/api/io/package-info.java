/**
 * Reading the files users name: {@link dev.genloom.api.io.UserFiles} checks a path (not found, a
 * directory, a symbolic link loop, permission denied, empty) and reads UTF-8 text with a size
 * limit, every failure a {@link dev.genloom.api.GenloomException} in words. The runtime, the CLI
 * and plugins use it wherever they read a file a user gave.
 */
package dev.genloom.api.io;
