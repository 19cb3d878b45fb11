package dev.karuku.engine.estimate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.karuku.engine.verify.Verifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import org.assertj.core.api.SoftAssertions;

/// Asserts the acceptance rule on a verify result and appends its rows to a Markdown table under target/ (the
/// source of the table in docs/memory-estimates.md).
final class VerifyTable {

    /// llama.cpp logs MiB with two decimals: parts below a few MiB can only be compared to ±0.005 MiB.
    static final long ROUNDING = 16 << 10;

    private VerifyTable() {}

    static void check(String label, Verifier.Result r, List<String> checkedParts, Path table) throws IOException {
        StringBuilder rows = new StringBuilder();
        SoftAssertions soft = new SoftAssertions();
        for (PartError p : r.errors()) {
            if (p.measured() == 0 && p.estimated() == 0) continue;
            rows.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %.2f | %+.2f%% |%n", label, p.part(),
                    p.estimated() / 1048576.0, p.measured() / 1048576.0, p.errorPct()));
            if (checkedParts.contains(p.part()) && Math.abs(p.estimated() - p.measured()) > ROUNDING) {
                soft.assertThat(Math.abs(p.errorPct())).as(label + " " + p.part() + " error %").isLessThanOrEqualTo(3.0);
            }
            if (p.part().startsWith("total.") && p.measured() > 0) {
                soft.assertThat(p.errorPct()).as(label + " " + p.part() + " must not underestimate by more than 2%").isGreaterThanOrEqualTo(-2.0);
            }
        }
        Files.createDirectories(table.getParent());
        Files.writeString(table, rows, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        soft.assertAll();
        assertThat(r.measured().ram()).isPositive();
    }
}
