package dev.sluice.project;

/** No key has this id: answered 404. */
public class KeyNotFoundException extends RuntimeException {

    public KeyNotFoundException(long id) {
        super("no key with id " + id);
    }
}
