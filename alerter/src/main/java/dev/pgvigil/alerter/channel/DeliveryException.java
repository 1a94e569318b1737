package dev.pgvigil.alerter.channel;

/** A receiver answered, but not with success. */
public final class DeliveryException extends Exception {
    public DeliveryException(String message) {
        super(message);
    }
}
