"""Reference intermediates of fnn's perspective, modulation and readout for the parity fixture.

Writes small .npy files into inference/model/src/test/resources/fnn-parts/ so that each twinloop module
can be tested on its own against fnn (the full network is tested against responses.npy).

Usage (outside the build; needs torch and a checkout of the fnn repository):
    python3 make_part_references.py FNN_ROOT FIXTURE_DIR OUT_DIR

Files written (float32):
    perspective_dark.npy    [2, 2, 1, 128, 192]  frames t=0,1 of both sessions, periphery "dark"
    perspective_extend.npy  [2, 1, 128, 192]     frame t=0, periphery "extend"
    modulation_all.npy      [2, 24, 64]          all streams, stepped from fresh over 24 frames
    modulation_stream1.npy  [2, 24, 16]          stream 1 alone, stepped from fresh
    readout_core.npy        [2, 512, 7, 9]       random core feature map (seed 0)
    readout_all.npy         [2, 4, 48, 1]        readout of that map, all streams
    readout_stream2.npy     [2, 48, 1]           readout of channels 256:384 as stream 2
    response_frame0.npy     [2, 48]              Poisson(mean over streams) of readout_all
    response_stream1.npy    [2, 3, 48]           whole network, stream 1 only, frames 0..2 from fresh
    response_extend.npy     [2, 3, 48]           whole network, all streams, periphery "extend", frames 0..2
"""
import importlib.util
import sys

import numpy as np
import torch


def load_network(fnn_root, fixture, units=48):
    sys.path.insert(0, fnn_root)
    # build.py only imports fnn.model; loading it directly avoids fnn.microns' download helpers
    spec = importlib.util.spec_from_file_location("fnn_build", fnn_root + "/fnn/microns/build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    network = build.network(units)
    state = {}
    for name in ["params_core.pt", "params_scan.pt"]:
        state.update(torch.load(fixture + "/" + name))
    network.load_state_dict(state)
    return network.eval()


def main(fnn_root, fixture, out):
    network = load_network(fnn_root, fixture)
    stimuli = np.load(fixture + "/stimuli.npy")
    perspectives = np.load(fixture + "/perspectives.npy")
    modulations = np.load(fixture + "/modulations.npy")
    save = lambda name, x: np.save(out + "/" + name, np.ascontiguousarray(x, dtype=np.float32))
    tensor = lambda x: torch.tensor(x, dtype=torch.float)

    with torch.inference_mode():
        dark = []
        for t in range(2):
            stimulus = tensor(stimuli[:, t, None] / 255)
            dark.append(network.perspective(stimulus, tensor(perspectives[:, t]), pad_mode="zeros").numpy())
        save("perspective_dark.npy", np.stack(dark))
        stimulus = tensor(stimuli[:, 0, None] / 255)
        extend = network.perspective(stimulus, tensor(perspectives[:, 0]), pad_mode="replicate")
        save("perspective_extend.npy", extend.numpy())

        for name, stream in [("modulation_all.npy", None), ("modulation_stream1.npy", 1)]:
            network.reset()
            outputs = []
            for t in range(modulations.shape[1]):
                m = tensor(modulations[:, t])
                if stream is None:
                    m = m.repeat(1, network.streams)
                outputs.append(network.modulation(m, stream=stream).numpy())
            save(name, np.stack(outputs, axis=1))

        torch.manual_seed(0)
        core = torch.randn(2, 512, 7, 9)
        save("readout_core.npy", core.numpy())
        network.reset()
        readout = network.readout(core, stream=None)
        save("readout_all.npy", readout.numpy())
        save("response_frame0.npy", network.unit(network.reduce(readout)).numpy())
        network.reset()
        save("readout_stream2.npy", network.readout(core[:, 256:384], stream=2).numpy())

        for name, stream, periphery in [("response_stream1.npy", 1, "dark"), ("response_extend.npy", None, "extend")]:
            network.reset()
            responses = []
            for t in range(3):
                stimulus = tensor(stimuli[:, t, None] / 255)
                response = network(stimulus, tensor(perspectives[:, t]), tensor(modulations[:, t]),
                                   stream=stream, periphery=periphery)
                responses.append(response.numpy())
            save(name, np.stack(responses, axis=1))


if __name__ == "__main__":
    main(*sys.argv[1:4])
