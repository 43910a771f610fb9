package dev.sluice.door.openai;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** All SQL about {@code openai_file} and its chunks. Every read is by primary key. */
@Component
class FileStore {

    /** An uploaded file's metadata. */
    record StoredFile(
            long id, long projectId, String purpose, String filename, long bytes, int lineCount, Instant createdAt) {}

    private final JdbcClient jdbc;

    FileStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The new file's id; its bytes are 0 until {@link #finish} (both in the caller's transaction). */
    long insert(long projectId, Long apiKeyId, String purpose, String filename, int lineCount, Instant now) {
        return jdbc.sql("""
                INSERT INTO openai_file (project_id, api_key_id, purpose, filename, bytes, line_count, created_at)
                VALUES (:project, :key, :purpose, :filename, 0, :lines, :now) RETURNING id
                """)
                .param("project", projectId)
                .param("key", apiKeyId)
                .param("purpose", purpose)
                .param("filename", filename)
                .param("lines", lineCount)
                .param("now", Timestamp.from(now))
                .query(Long.class)
                .single();
    }

    void insertChunk(long fileId, int seq, byte[] data) {
        jdbc.sql("INSERT INTO openai_file_chunk (file_id, seq, data) VALUES (:file, :seq, :data)")
                .param("file", fileId)
                .param("seq", seq)
                .param("data", data)
                .update();
    }

    void finish(long fileId, long bytes) {
        jdbc.sql("UPDATE openai_file SET bytes = :bytes WHERE id = :id")
                .param("bytes", bytes)
                .param("id", fileId)
                .update();
    }

    Optional<StoredFile> find(long id) {
        return jdbc.sql("""
                SELECT id, project_id, purpose, filename, bytes, line_count, created_at FROM openai_file WHERE id = :id
                """)
                .param("id", id)
                .query((rs, n) -> new StoredFile(
                        rs.getLong("id"),
                        rs.getLong("project_id"),
                        rs.getString("purpose"),
                        rs.getString("filename"),
                        rs.getLong("bytes"),
                        rs.getInt("line_count"),
                        rs.getTimestamp("created_at").toInstant()))
                .optional();
    }

    /** A page of a project's files, newest first, before the cursor (0: from the newest). */
    List<Long> idsBefore(long projectId, boolean allProjects, long before, int limit) {
        // Index: openai_file_project_idx (project_id, id), or the primary key for an admin.
        return jdbc.sql("""
                SELECT id FROM openai_file
                WHERE (:all OR project_id = :project) AND (:before = 0 OR id < :before)
                ORDER BY id DESC LIMIT :limit
                """)
                .param("all", allProjects)
                .param("project", projectId)
                .param("before", before)
                .param("limit", limit)
                .query(Long.class)
                .list();
    }

    /** One chunk of the content, or null past the last. */
    byte[] chunk(long fileId, int seq) {
        return jdbc.sql("SELECT data FROM openai_file_chunk WHERE file_id = :file AND seq = :seq")
                .param("file", fileId)
                .param("seq", seq)
                .query(byte[].class)
                .optional()
                .orElse(null);
    }

    /** Deletes the file and its chunks (by the cascade). */
    boolean delete(long id) {
        return jdbc.sql("DELETE FROM openai_file WHERE id = :id")
                        .param("id", id)
                        .update()
                == 1;
    }
}
