package dev.karuku.engine.hub;

import java.net.URI;
import java.util.Optional;

/// Where a repo file's bytes can be fetched right now.
///
/// @param location  a Hub URL for small files, or a signed CDN URL that expires (re-resolve on 403/404)
/// @param commit    `X-Repo-Commit`
/// @param etag      `X-Linked-Etag` (the SHA-256 for LFS files) or `ETag`, without quotes
/// @param size      `X-Linked-Size`, or `Content-Length` of a direct answer; -1 when unknown
public record ResolvedFile(URI location, Optional<String> commit, Optional<String> etag, long size) {}
