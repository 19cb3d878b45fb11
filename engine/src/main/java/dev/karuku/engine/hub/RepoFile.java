package dev.karuku.engine.hub;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Optional;

/// A file in a model repo at a pinned commit.
///
/// @param path    path inside the repo, `/`-separated (e.g. `Q8_0/model-Q8_0-00001-of-00002.gguf`)
/// @param size    bytes
/// @param sha256  the SHA-256 of the content (`lfs.oid`) for LFS/Xet files; empty for small git files
/// @param gitOid  the git blob sha1 (`oid` / `blobId`), which checks small files
public record RepoFile(String path, long size, Optional<String> sha256, Optional<String> gitOid) {

    /// The last path element.
    public String name() {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }

    /// The folder inside the repo, or "" at the top.
    public String directory() {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    public boolean isGguf() {
        return path.toLowerCase(java.util.Locale.ROOT).endsWith(".gguf");
    }

    /// A tree entry: `{type, oid, size, path, lfs?{oid,size}}`; `null` for directories.
    static RepoFile fromTreeEntry(JsonNode n) {
        if (!"file".equals(n.path("type").asText("file"))) return null;
        JsonNode lfs = n.path("lfs");
        long size = lfs.has("size") ? lfs.path("size").asLong() : n.path("size").asLong(0);
        return new RepoFile(n.path("path").asText(), size, Json.text(lfs, "oid").or(() -> Json.text(lfs, "sha256")),
                Json.text(n, "oid"));
    }

    /// A model-info sibling: `{rfilename, size?, blobId?, lfs?{sha256,size}}`.
    static RepoFile fromSibling(JsonNode n) {
        JsonNode lfs = n.path("lfs");
        long size = lfs.has("size") ? lfs.path("size").asLong() : n.path("size").asLong(-1);
        return new RepoFile(n.path("rfilename").asText(), size, Json.text(lfs, "sha256").or(() -> Json.text(lfs, "oid")),
                Json.text(n, "blobId"));
    }
}
