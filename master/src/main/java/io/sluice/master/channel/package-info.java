/**
 * The master's end of the worker channel ({@link io.sluice.master.channel.WorkerLink}): accepts
 * workers, checks their identity and routes their requests and events to the master's rooms.
 */
package io.sluice.master.channel;
