package io.twinloop.inference.model.perspective;

import io.twinloop.inference.model.GridSampler;

/** What the retina sees where its rays miss the monitor: fnn's {@code periphery} argument. */
public enum Periphery {
    /** black outside the monitor (fnn {@code "dark"}, zeros padding); the default */
    DARK(GridSampler.Padding.ZEROS),
    /** the monitor's border pixels extended outwards (fnn {@code "extend"}, replicate padding) */
    EXTEND(GridSampler.Padding.BORDER);

    private final GridSampler.Padding padding;

    Periphery(GridSampler.Padding padding) {
        this.padding = padding;
    }

    public GridSampler.Padding padding() {
        return padding;
    }
}
