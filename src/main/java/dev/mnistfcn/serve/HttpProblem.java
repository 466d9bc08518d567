package dev.mnistfcn.serve;

/** A request the service refuses, with the HTTP status that says why; answered as {@code {"error": message}}. */
final class HttpProblem extends RuntimeException {
    final int status;

    HttpProblem(int status, String message) {
        super(message, null, false, false); // an answer to a client, not a bug: no stack trace to fill
        this.status = status;
    }
}
