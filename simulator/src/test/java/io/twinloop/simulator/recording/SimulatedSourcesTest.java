package io.twinloop.simulator.recording;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.twinloop.simulator.stimuli.FrameGeometry;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SimulatedSourcesTest {

    @Test
    void aClipRepeatsExactlyWhateverWasRenderedInBetween() {
        DomainClipSource clips = new DomainClipSource(FrameGeometry.STANDARD, 5);
        byte[] first = new byte[FrameGeometry.STANDARD.pixels()];
        byte[] other = new byte[first.length];
        byte[] again = new byte[first.length];
        clips.render("natural-movies", 3, 10, first);
        clips.render("drifting-gabor", 3, 10, other);
        clips.render("natural-movies", 4, 10, other);
        clips.render("natural-movies", 3, 10, again);
        assertArrayEquals(first, again);
        assertFalse(Arrays.equals(first, other), "another clip shows other frames");
        assertThrows(IllegalArgumentException.class, () -> clips.render("no-such-domain", 0, 0, first));
        assertTrue(DomainClipSource.defaultWeights().get("natural-movies") > 0.5);
        assertEquals(6, DomainClipSource.defaultWeights().size());
    }

    @Test
    void behaviourIsSampledAtTheRigsRatesAndIsReproducible() {
        SimulatedBehaviourSource source = new SimulatedBehaviourSource();
        TrialBehaviour trial = source.trial(9, 2.0);
        assertEquals(201, trial.treadmill().length, "100 Hz over 2 s, both ends");
        assertEquals(41, trial.eye().length, "20 Hz over 2 s, both ends");
        assertEquals(0.05, trial.eye()[1][0], 1e-12);
        assertTrue(trial.eye()[0][3] > 0, "pupil radius");
        assertArrayEquals(trial.eye()[7], source.trial(9, 2.0).eye()[7]);
    }
}
