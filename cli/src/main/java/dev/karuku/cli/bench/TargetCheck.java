package dev.karuku.cli.bench;

/// One of issue 7's speed targets, checked against one model's numbers.
///
/// @param model    the model row (`Q4_K_M`, …)
/// @param target   what is asked, in words
/// @param measured the measured ratio (NaN when a number is missing)
/// @param required the ratio the target asks for
public record TargetCheck(String model, String target, double measured, double required) {

    public boolean measuredAtAll() {
        return !Double.isNaN(measured);
    }

    public boolean met() {
        return measuredAtAll() && measured >= required;
    }

    public String verdict() {
        return !measuredAtAll() ? "not measured" : met() ? "met" : "NOT met";
    }
}
