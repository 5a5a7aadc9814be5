from tests.e2e.conftest import CLAIMANT
from tests.e2e_ptb.conftest import *  # noqa
from tests.e2e.claimant import Claimant

async def test_probe(fake, running_bot):
    anna = Claimant(fake, CLAIMANT)
    await anna.says("/start", expect="Report")
    await anna.says("/HELP")
    n = len(fake.requests)
    await running_bot.stop()
    print([r.short() for r in fake.requests[:4]])
    print([r.short() for r in fake.requests[n:]])
    print(fake.commands.keys())
    print([m.text[:60] for m in fake.messages(CLAIMANT)])
