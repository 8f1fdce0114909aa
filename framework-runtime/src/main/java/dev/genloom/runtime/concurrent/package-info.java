/**
 * The runtime's one lazy holder, {@link dev.genloom.runtime.concurrent.Lazy}: a value made once on
 * first use, whatever the number of threads that ask, a failed make not kept, closable.
 */
package dev.genloom.runtime.concurrent;
