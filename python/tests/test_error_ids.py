import numpy as np
import pytest
import vinet
from fakes import FakeNet


def test_errors_of_an_inference_carry_its_id():
    net = FakeNet()
    c = vinet.Client("http://node", "http://chain", vinet.Key.generate())
    c._http = net
    net.error = (402, "insufficient_funds", "poor")
    with pytest.raises(vinet.InsufficientFunds) as info:
        c.infer("double", {"x": np.array([1.0, 2.0], dtype=np.float32)}, mode="vanilla")
    assert info.value.inference_id and len(info.value.inference_id) == 64
