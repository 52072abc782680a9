package io.twinloop.inference.torchscript;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import io.twinloop.inference.checkpoint.TorchScriptAttributes;
import io.twinloop.inference.model.CheckpointException;
import io.twinloop.inference.model.NetworkState;
import io.twinloop.inference.model.Twin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A twin trained in PyTorch and saved as TorchScript, stepped one frame at a time on explicit, batch-first
 * state (the contract, version 1, in docs/twins.md):
 * <pre>
 *   attributes   units, height, width, contract_version (ints)
 *   initial_state(batch) -> state: List[Tensor], each [batch, ...]
 *   state_names() -> List[str]   (optional) one unique name per state tensor
 *   forward(frame [N, 1, height, width] in [0, 1], perspective [N, 2], modulation [N, 2], state)
 *       -> (rates [N, units] float32 >= 0, next state)
 * </pre>
 * {@link #load} validates all of it (and the probe step of the metadata beside the file) and names the first
 * problem in one line. One instance per thread: a module's methods are not documented as thread-safe.
 *
 * <p>Serve trusted files only: TorchScript runs native code that is not hardened against hostile files.
 */
public final class TorchScriptTwin implements Twin, AutoCloseable {

    public static final int CONTRACT_VERSION = 1;

    /** Twice the same step may differ by this much (relative) before the module counts as stateful. */
    private static final double REPEAT_TOLERANCE = 1e-6;

    /**
     * A batch of 2 may round differently from a batch of 1 (other kernel blockings: ~1e-7 relative per
     * operation); a batch computed wrong is off by 1e-3 or more.
     */
    private static final double BATCH_TOLERANCE = 1e-4;

    private final Path file;
    private final PtNDManager manager;
    private final PtSymbolBlock module;
    private final int units;
    private final int height;
    private final int width;
    private final TwinMetadata metadata;
    /** per-session shape of each state tensor, batch dim 1 */
    private List<Shape> stateShapes = List.of();
    private List<DataType> stateTypes = List.of();
    private List<String> stateNames = List.of();
    /** null until {@link #differentiable} has probed the module */
    private Boolean differentiable;

    private TorchScriptTwin(Path file, PtNDManager manager, PtSymbolBlock module, int units, int height, int width,
                            TwinMetadata metadata) {
        this.file = file;
        this.manager = manager;
        this.module = module;
        this.units = units;
        this.height = height;
        this.width = width;
        this.metadata = metadata;
    }

    /**
     * Loads and validates a module and its metadata ({@link TwinMetadata#besides}; defaults when absent).
     *
     * @throws TwinContractException naming the file and the first way it breaks the contract
     */
    public static TorchScriptTwin load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new TwinContractException(file + ": no such TorchScript file");
        }
        Map<String, Object> attributes;
        try {
            attributes = TorchScriptAttributes.read(file);
        } catch (CheckpointException e) {
            throw new TwinContractException("not a TorchScript file: " + e.getMessage(), e);
        }
        int version = intAttribute(file, attributes, "contract_version");
        if (version != CONTRACT_VERSION) {
            throw new TwinContractException(file + ": contract_version " + version + ", this service serves "
                    + CONTRACT_VERSION);
        }
        int units = positive(file, "units", intAttribute(file, attributes, "units"));
        int height = positive(file, "height", intAttribute(file, attributes, "height"));
        int width = positive(file, "width", intAttribute(file, attributes, "width"));
        Path metadataFile = TwinMetadata.besides(file);
        TwinMetadata metadata = Files.isRegularFile(metadataFile) ? TwinMetadata.read(metadataFile)
                : TwinMetadata.defaults(units);
        metadata.validate(metadataFile, units, height, width);

        PtNDManager manager = (PtNDManager) NDManager.newBaseManager(Device.cpu(), "PyTorch");
        PtSymbolBlock module;
        // loaded as trainable (not under inference mode) so that gradients can pass through the weights to the
        // frames (stimulus optimisation); steps without gradients still run under libtorch's no-grad guard
        try {
            module = JniUtils.loadModule(manager, file.toAbsolutePath(), true, new String[0], new String[0], true);
        } catch (RuntimeException e) {
            manager.close();
            throw new TwinContractException(file + ": libtorch cannot load it: " + firstLine(e), e);
        }
        TorchScriptTwin twin = new TorchScriptTwin(file, manager, module, units, height, width, metadata);
        try {
            JniUtils.enableInferenceMode(module);
            twin.validate();
            return twin;
        } catch (RuntimeException e) {
            twin.close();
            throw e;
        }
    }

    public Path file() {
        return file;
    }

    /** @return U, the number of units */
    public int units() {
        return units;
    }

    /** @return H, the frame height the module takes */
    public int height() {
        return height;
    }

    /** @return W, the frame width the module takes */
    public int width() {
        return width;
    }

    public TwinMetadata metadata() {
        return metadata;
    }

    /** @return the shape of each state tensor of one session ([1, ...]) */
    public List<Shape> stateShapes() {
        return stateShapes;
    }

    /**
     * @return one name per state tensor: the module's optional {@code state_names()}, else {@code state.0},
     * {@code state.1}, ... (the names a snapshot of the state would use)
     */
    public List<String> stateNames() {
        return stateNames;
    }

    /** @return bytes of state one session holds */
    public long stateBytes() {
        long bytes = 0;
        for (int i = 0; i < stateShapes.size(); i++) {
            bytes += stateShapes.get(i).size() * stateTypes.get(i).getNumOfBytes();
        }
        return bytes;
    }

    /**
     * @param batch N sessions
     * @return a fresh state, each tensor [N, ...], owned by {@code owner} (a PyTorch manager)
     */
    public NDList initialTensors(int batch, NDManager owner) {
        NDList state = callInitialState(batch, owner);
        requireState("initial_state(" + batch + ")", state, batch);
        return state;
    }

    /** The rates and next state of one step, the state as the module returns it. */
    public record TensorStep(NDArray rates, NDList state) {
    }

    @Override
    public int perspectives() {
        return 2;
    }

    @Override
    public int modulations() {
        return 2;
    }

    @Override
    public Optional<FrameSize> frameSize() {
        return Optional.of(new FrameSize(height, width));
    }

    /**
     * Whether gradients reach the frames through the module, found once by a probe: one step of one session with
     * grad mode on, the frame requiring a gradient, and the backward pass of the summed rates. A module built from
     * differentiable operations (every exporter's) passes; one that detaches its output, or runs operations
     * without a derivative, does not. The steppers run the module with grad mode off either way.
     */
    @Override
    public synchronized boolean differentiable() {
        if (differentiable == null) {
            differentiable = probeGradient();
        }
        return differentiable;
    }

    private boolean probeGradient() {
        boolean gradMode = JniUtils.isGradMode();
        try (NDManager scratch = manager.newSubManager()) {
            JniUtils.setGradMode(true);
            NDArray frame = scratch.create(testFrames(1), new Shape(1, 1, height, width));
            frame.setRequiresGradient(true);
            NDArray behaviour = scratch.zeros(new Shape(1, 2));
            TensorStep out = step(frame, behaviour, behaviour, initialTensors(1, scratch), scratch);
            PtNDArray objective = (PtNDArray) out.rates().sum();
            JniUtils.backward(objective, (PtNDArray) scratch.ones(objective.getShape()), false, false);
            NDArray gradient = frame.getGradient();
            return gradient != null && gradient.abs().sum().getFloat() > 0;
        } catch (RuntimeException e) {
            return false;
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    /** @return {@link #initialTensors} in the one state format, named by {@link #stateNames} */
    @Override
    public NetworkState initialState(int sessions, NDManager owner) {
        return named(initialTensors(sessions, owner));
    }

    /** {@link #step(NDArray, NDArray, NDArray, NDList, NDManager)} in the one state format. */
    @Override
    public Twin.Step step(NDArray frames, NDArray perspective, NDArray modulation, NetworkState state) {
        NDList tensors = new NDList(stateNames.size());
        for (String name : stateNames) {
            NDArray t = state.get(name);
            if (t == null) {
                throw new IllegalArgumentException(file + ": the state has no tensor '" + name + "'");
            }
            tensors.add(t);
        }
        TensorStep next = step(frames, perspective, modulation, tensors, frames.getManager());
        return new Twin.Step(next.rates(), named(next.state()));
    }

    private NetworkState named(NDList tensors) {
        NetworkState state = NetworkState.fresh();
        for (int i = 0; i < tensors.size(); i++) {
            state.put(stateNames.get(i), tensors.get(i));
        }
        return state;
    }

    /**
     * One frame of N sessions. Grad mode is the caller's (the steppers switch it off).
     *
     * @param frame       [N, 1, H, W] float32, pixel / 255
     * @param perspective [N, 2] float32, standardised pupil centre
     * @param modulation  [N, 2] float32, standardised pupil radius and treadmill velocity
     * @param state       each tensor [N, ...]
     * @return rates [N, U] and the next state, owned by {@code owner}
     */
    public TensorStep step(NDArray frame, NDArray perspective, NDArray modulation, NDList state, NDManager owner) {
        int n = (int) frame.getShape().get(0);
        TensorStep step = callForward(frame, perspective, modulation, state, owner);
        requireRates(step.rates(), n);
        requireState("forward", step.state(), n);
        return step;
    }

    private NDList callInitialState(int batch, NDManager owner) {
        IValue result;
        try (IValue size = IValue.from((long) batch)) {
            result = IValueUtils.runMethod(module, "initial_state", size);
        } catch (RuntimeException e) {
            throw new TwinContractException(file + ": initial_state(" + batch + ") failed: " + firstLine(e), e);
        }
        try (result) {
            if (!result.isTensorList()) {
                throw new TwinContractException(file + ": initial_state returns " + result.getType()
                        + ", not List[Tensor]");
            }
            return new NDList(result.toTensorArray((PtNDManager) owner));
        }
    }

    private TensorStep callForward(NDArray frame, NDArray perspective, NDArray modulation, NDList state,
                             NDManager owner) {
        if (JniUtils.isGradMode()) {
            return callForwardRecordingGradients(frame, perspective, modulation, state, owner);
        }
        IValue[] inputs = {
            IValue.from((PtNDArray) frame), IValue.from((PtNDArray) perspective), IValue.from((PtNDArray) modulation),
            IValue.listFrom(state.stream().map(a -> (PtNDArray) a).toArray(PtNDArray[]::new)),
        };
        IValue result;
        try {
            result = IValueUtils.runMethod(module, "forward", inputs);
        } catch (RuntimeException e) {
            throw new TwinContractException(file + ": forward failed on frames " + frame.getShape() + ": "
                    + firstLine(e), e);
        } finally {
            for (IValue input : inputs) {
                input.close();
            }
        }
        try (result) {
            IValue[] pair = result.isTuple() ? result.toIValueTuple() : new IValue[0];
            try {
                if (pair.length != 2 || !pair[0].isTensor() || !pair[1].isTensorList()) {
                    throw new TwinContractException(file + ": forward returns " + result.getType()
                            + ", not Tuple[Tensor, List[Tensor]]");
                }
                PtNDManager pt = (PtNDManager) owner;
                return new TensorStep(pair[0].toTensor(pt), new NDList(pair[1].toTensorArray(pt)));
            } finally {
                for (IValue v : pair) {
                    v.close();
                }
            }
        }
    }

    /**
     * {@code forward} with autograd recording: DJL's {@code IValueUtils.runMethod} always runs a module under
     * libtorch's inference guard (no graph), and only its {@code NDList} entry point takes a training flag. That
     * entry point builds the arguments from the arrays' names: unnamed arrays are tensors in order, arrays named
     * {@code state[]} one list.
     */
    private TensorStep callForwardRecordingGradients(NDArray frame, NDArray perspective, NDArray modulation,
                                                     NDList state, NDManager owner) {
        if (state.isEmpty()) {
            throw new TwinContractException(file + ": a module without state tensors cannot be stepped with"
                    + " gradients (DJL passes no empty list)");
        }
        NDList inputs = new NDList(3 + state.size());
        for (NDArray a : List.of(frame, perspective, modulation)) {
            a.setName(null);
            inputs.add(a);
        }
        for (NDArray t : state) {
            // a copy: initial_state ran under libtorch's inference mode, whose tensors autograd cannot save
            NDArray copy = t.duplicate();
            copy.setName("state[]");
            inputs.add(copy);
        }
        NDList out;
        try {
            out = IValueUtils.forward(module, inputs, true);
        } catch (RuntimeException e) {
            throw new TwinContractException(file + ": forward failed on frames " + frame.getShape() + ": "
                    + firstLine(e), e);
        }
        if (out.size() != 1 + state.size()) {
            throw new TwinContractException(file + ": forward returned " + out.size() + " tensors, expected the"
                    + " rates and " + state.size() + " state tensors");
        }
        out.attach(owner);
        return new TensorStep(out.get(0), new NDList(out.subList(1, out.size())));
    }

    /** The contract's checks beyond the attributes: methods, state layout, output shapes and types, probe. */
    private void validate() {
        List<String> methods = Arrays.asList(JniUtils.getMethodNames(module));
        for (String method : List.of("initial_state", "forward")) {
            if (!methods.contains(method)) {
                throw new TwinContractException(file + ": no method " + method + " (found " + methods
                        + "; export initial_state with @torch.jit.export)");
            }
        }
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (NDManager scratch = manager.newSubManager()) {
            NDList one = callInitialState(1, scratch);
            NDList two = callInitialState(2, scratch);
            if (one.size() != two.size()) {
                throw new TwinContractException(file + ": initial_state(1) has " + one.size()
                        + " tensors, initial_state(2) " + two.size());
            }
            List<Shape> shapes = new ArrayList<>();
            List<DataType> types = new ArrayList<>();
            for (int i = 0; i < one.size(); i++) {
                Shape a = one.get(i).getShape();
                Shape b = two.get(i).getShape();
                if (a.dimension() == 0 || a.get(0) != 1 || b.dimension() != a.dimension() || b.get(0) != 2
                        || !a.slice(1).equals(b.slice(1))) {
                    throw new TwinContractException(file + ": state tensor " + i + " is not batch first:"
                            + " initial_state(1) gives " + a + ", initial_state(2) " + b
                            + " (they may differ only in dim 0)");
                }
                if (one.get(i).getDataType() != two.get(i).getDataType()) {
                    throw new TwinContractException(file + ": state tensor " + i + " changes dtype with the batch");
                }
                shapes.add(a);
                types.add(one.get(i).getDataType());
            }
            stateShapes = List.copyOf(shapes);
            stateTypes = List.copyOf(types);
            stateNames = methods.contains("state_names") ? callStateNames() : defaultNames(shapes.size());

            // two sessions, different inputs; the same step twice from the same state must agree
            NDArray frames = scratch.create(testFrames(2), new Shape(2, 1, height, width));
            NDArray perspective = scratch.create(new float[] {0.3f, -0.5f, -1.2f, 0.8f}, new Shape(2, 2));
            NDArray modulation = scratch.create(new float[] {-0.4f, 1.1f, 0.6f, -0.9f}, new Shape(2, 2));
            TensorStep first = step(frames, perspective, modulation, two, scratch);
            TensorStep again = step(frames, perspective, modulation, two, scratch);
            double difference = maxRelativeDifference(first.rates().toFloatArray(), again.rates().toFloatArray());
            if (difference > REPEAT_TOLERANCE) {
                throw new TwinContractException(file + ": the same step from the same state gave rates "
                        + difference + " apart: forward changes the module or its input state");
            }
            step(frames, perspective, modulation, first.state(), scratch);
            requireBatchedEqualsAlone(first.rates(), frames, perspective, modulation, scratch);
            probe(scratch, one);
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    private List<String> callStateNames() {
        List<String> names = new ArrayList<>();
        try (IValue result = IValueUtils.runMethod(module, "state_names")) {
            if (!result.isList()) {
                throw new TwinContractException(file + ": state_names returns " + result.getType()
                        + ", not List[str]");
            }
            for (IValue name : result.toIValueArray()) {
                try (name) {
                    if (!name.isString()) {
                        throw new TwinContractException(file + ": state_names holds a " + name.getType());
                    }
                    names.add(name.toStringValue());
                }
            }
        } catch (TwinContractException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new TwinContractException(file + ": state_names() failed: " + firstLine(e), e);
        }
        if (names.size() != stateShapes.size() || names.stream().distinct().count() != names.size()
                || names.stream().anyMatch(String::isBlank)) {
            throw new TwinContractException(file + ": state_names " + names + " must name each of the "
                    + stateShapes.size() + " state tensors once");
        }
        return List.copyOf(names);
    }

    private static List<String> defaultNames(int count) {
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            names.add("state." + i);
        }
        return List.copyOf(names);
    }

    /**
     * Each row of a batched step equals that session stepped alone. Batching is the service's, not the module's,
     * so this catches kernels that compute a batch wrong (libtorch 2.7.1's oneDNN AVX-512 convolutions with
     * input channels above 16 that are not a multiple of 16, at batch >= 2, on AMD Zen 5).
     */
    private void requireBatchedEqualsAlone(NDArray batchedRates, NDArray frames, NDArray perspective,
                                           NDArray modulation, NDManager scratch) {
        float[] batched = batchedRates.toFloatArray();
        for (int i = 0; i < 2; i++) {
            String row = i + ":" + (i + 1);
            float[] alone = step(frames.get(row), perspective.get(row), modulation.get(row),
                    callInitialState(1, scratch), scratch).rates().toFloatArray();
            for (int u = 0; u < units; u++) {
                double difference = Math.abs(batched[i * units + u] - alone[u]) / Math.max(1, Math.abs(alone[u]));
                if (difference > BATCH_TOLERANCE) {
                    throw new TwinContractException(file + ": session " + i + " of a batch of 2 gets rate "
                            + batched[i * units + u] + " for unit " + u + ", alone " + alone[u]
                            + ": this machine's kernels compute the module wrong when sessions are batched");
                }
            }
        }
    }

    /** The metadata's probe step, when there is one: its rates within its tolerance. */
    private void probe(NDManager scratch, NDList initial) {
        TwinMetadata.Probe probe = metadata.probe();
        if (probe == null) {
            return;
        }
        TensorStep step = step(scratch.create(probe.frame(), new Shape(1, 1, height, width)),
                scratch.create(probe.perspective(), new Shape(1, 2)),
                scratch.create(probe.modulation(), new Shape(1, 2)),
                initial, scratch);
        float[] rates = step.rates().toFloatArray();
        for (int u = 0; u < units; u++) {
            double expected = probe.rates()[u];
            if (Math.abs(rates[u] - expected) > probe.tolerance() * Math.max(1, Math.abs(expected))) {
                throw new TwinContractException(file + ": probe step: unit " + u + " gives " + rates[u]
                        + ", the metadata expects " + expected + " (tolerance " + probe.tolerance() + ")");
            }
        }
    }

    private void requireRates(NDArray rates, int n) {
        if (!rates.getShape().equals(new Shape(n, units)) || rates.getDataType() != DataType.FLOAT32) {
            throw new TwinContractException(file + ": forward returns rates " + rates.getDataType() + " "
                    + rates.getShape() + ", expected float32 " + new Shape(n, units));
        }
        float[] values = rates.toFloatArray();
        for (int i = 0; i < values.length; i++) {
            if (!(values[i] >= 0) || Float.isInfinite(values[i])) {
                throw new TwinContractException(file + ": forward returns rate " + values[i] + " for unit "
                        + (i % units) + " (rates must be finite and >= 0)");
            }
        }
    }

    private void requireState(String method, NDList state, int n) {
        if (state.size() != stateShapes.size() && !stateShapes.isEmpty()) {
            throw new TwinContractException(file + ": " + method + " gives " + state.size() + " state tensors, "
                    + "initial_state " + stateShapes.size());
        }
        for (int i = 0; i < state.size() && !stateShapes.isEmpty(); i++) {
            Shape expected = new Shape(n).addAll(stateShapes.get(i).slice(1));
            NDArray t = state.get(i);
            if (!t.getShape().equals(expected) || t.getDataType() != stateTypes.get(i)) {
                throw new TwinContractException(file + ": " + method + " gives state tensor " + i + " "
                        + t.getDataType() + " " + t.getShape() + ", expected " + stateTypes.get(i) + " " + expected);
            }
        }
    }

    /** Smooth gratings, one per session, so that the check's sessions see different frames. */
    private float[] testFrames(int n) {
        float[] out = new float[n * height * width];
        for (int s = 0; s < n; s++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    out[(s * height + y) * width + x] = (float) (0.5 + 0.4 * Math.sin(0.3 * x + 0.2 * y + 1.7 * s));
                }
            }
        }
        return out;
    }

    private static double maxRelativeDifference(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(a[i])));
        }
        return max;
    }

    private static int intAttribute(Path file, Map<String, Object> attributes, String name) {
        Object value = attributes.get(name);
        if (value == null) {
            throw new TwinContractException(file + ": no int attribute '" + name + "' on the module (the contract"
                    + " needs units, height, width and contract_version)");
        }
        if (!(value instanceof Integer || value instanceof Long)) {
            throw new TwinContractException(file + ": attribute '" + name + "' is " + value.getClass().getSimpleName()
                    + " " + value + ", not an int");
        }
        long v = ((Number) value).longValue();
        if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
            throw new TwinContractException(file + ": attribute '" + name + "' = " + v + " is out of range");
        }
        return (int) v;
    }

    private static int positive(Path file, String name, int value) {
        if (value <= 0) {
            throw new TwinContractException(file + ": attribute '" + name + "' = " + value + ", must be positive");
        }
        return value;
    }

    private static String firstLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse(message);
    }

    @Override
    public void close() {
        module.close();
        manager.close();
    }
}
