package io.sluice.master.process;

/** A worker process exited with {@code code}; the supervisor {@linkplain Supervisor#reap reaps} it on the loop. */
public record WorkerExit(WorkerHandle worker, int code) {
}
