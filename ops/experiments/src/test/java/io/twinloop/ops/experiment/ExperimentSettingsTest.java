package io.twinloop.ops.experiment;

import io.twinloop.ops.training.ReadoutInitialisation;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExperimentSettingsTest {

    private static FoundationExperiment.Settings withAmounts(List<Integer> amounts) {
        return new FoundationExperiment.Settings(1, 2, amounts, 5, 8, 1, 2, 1, 1, 1, "tiny", 3,
                ReadoutInitialisation.AUTO);
    }

    @Test
    void anAmountGivenTwiceIsRefusedNamingTheList() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> withAmounts(List.of(2, 4, 8, 16, 8, 4)));
        assertTrue(refused.getMessage().contains("[2, 4, 8, 16, 8, 4]"), refused.getMessage());
        assertTrue(refused.getMessage().contains("given twice"), refused.getMessage());
    }

    @Test
    void noAmountOrANonPositiveOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> withAmounts(List.of()));
        assertThrows(IllegalArgumentException.class, () -> withAmounts(List.of(4, 0)));
        assertDoesNotThrow(() -> withAmounts(List.of(16, 2)));
    }
}
