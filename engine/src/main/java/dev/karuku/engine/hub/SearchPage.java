package dev.karuku.engine.hub;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/// One page of search hits and the Hub's link to the next page, if there is one.
public record SearchPage(List<ModelSummary> models, Optional<URI> next) {

    public SearchPage {
        models = List.copyOf(models);
    }

    public boolean hasNext() {
        return next.isPresent();
    }
}
