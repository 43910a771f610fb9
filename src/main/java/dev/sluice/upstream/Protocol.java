package dev.sluice.upstream;

/** The wire protocols Sluice can speak to an upstream. */
public enum Protocol {
    /** Completes every job at once, echoing its payload as the result: for smoke runs and benchmarks. */
    NOOP,
    /** The Tinker/mint futures API: {@code asample}, then {@code retrieve_future} polls. */
    TINKER,
    /** OpenAI-compatible APIs such as Groq's: the answer comes in the submit call. */
    OPENAI
}
