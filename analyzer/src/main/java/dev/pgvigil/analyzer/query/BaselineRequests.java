package dev.pgvigil.analyzer.query;

import dev.pgvigil.common.http.HttpError;
import dev.pgvigil.schema.kafka.Topics;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Named-baseline requests from the API onto pgvigil.baseline.requests (key instance id, value name), where the topology takes them. */
final class BaselineRequests {
    private final Producer<String, String> producer;

    BaselineRequests(Producer<String, String> producer) {
        this.producer = producer;
    }

    /** Returns once the broker has the request, so the API's 202 means it will be taken. */
    void request(String instanceId, String name) {
        try {
            producer.send(new ProducerRecord<>(Topics.BASELINE_REQUESTS, instanceId, name)).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HttpError(503, "interrupted while sending the baseline request");
        } catch (ExecutionException | TimeoutException e) {
            throw new HttpError(503, "Kafka did not take the baseline request: " + (e.getCause() == null ? e : e.getCause()).getMessage());
        }
    }
}
