"""The stream reader's old import name: `import audiogen_stream` is `audiogen_data.stream` (the same module)."""

import sys

from audiogen_data import stream as _stream

sys.modules[__name__] = _stream
