package dev.pgvigil.common.http;

/**
 * Answers one route. Throw {@link HttpError} for an answer other than success (400 naming a
 * parameter, 404, ...); any other exception becomes a 500 whose body says nothing about it.
 */
@FunctionalInterface
public interface Handler {
    Response handle(Request request) throws Exception;
}
