"""A garak probe for bench/redteam.sh: replays the request conversations of a
`rampart redteam` run, one garak attempt per request.

bench/redteam_bench.py copies this file into the benchmark's garak venv as
`garak/probes/rampart_replay.py` (and registers it in the venv's own plugin cache,
so garak does not re-import every probe module, which would need PyTorch). It reads
$RAMPART_REPLAY_FILE: JSON Lines, one `{"messages": [...]}` (OpenAI chat format) per
line. Turns are sent as they are, system prompt included; garak's conversation model
has no tool calls, so an assistant turn that called a tool goes out with empty content
and the tool result as a `tool` turn without `tool_call_id`. The tool definitions are
declared through the generator's `extra_params` (bench/redteam_bench.py garak-config).
"""

import json
import os

from garak import _config
import garak.attempt
import garak.probes


class Replay(garak.probes.Probe):
    """Replays the conversations in $RAMPART_REPLAY_FILE, one attempt per line"""

    lang = "*"
    active = False
    goal = "send the same requests as rampart redteam"
    doc_uri = ""
    tags = []
    tier = garak.probes.Tier.UNLISTED
    # garak's refusal-keyword detector: a string match per answer, no model, no download
    primary_detector = "mitigation.MitigationBypass"
    prompts = []

    def __init__(self, config_root=_config):
        super().__init__(config_root=config_root)
        self.prompts = []
        with open(os.environ["RAMPART_REPLAY_FILE"], encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                turns = [
                    garak.attempt.Turn(
                        m["role"],
                        garak.attempt.Message(text=m.get("content") or "", lang="*"),
                    )
                    for m in json.loads(line)["messages"]
                ]
                self.prompts.append(garak.attempt.Conversation(turns=turns))
