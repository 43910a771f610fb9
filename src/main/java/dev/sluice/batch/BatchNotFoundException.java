package dev.sluice.batch;

/** No batch has this id. */
public class BatchNotFoundException extends RuntimeException {

    public BatchNotFoundException(long batchId) {
        super("no batch with id " + batchId);
    }
}
