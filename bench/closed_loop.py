"""Simulated Telegram users in a closed loop: each sends its next update only once the bot's
answer to the previous one has reached the fake. Counts what is answered inside a window.

A claimant files the scripted complaints (bench/script.py) one after another, each as a new
Telegram user, so a receipt arriving late through the outbox is never mistaken for the answer
to the next complaint's /start. An echo user sends text messages.
"""

from __future__ import annotations

import functools
import itertools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.arrivals import Arrivals
from bench.drive import send
from bench.script import Action, Script
from tests.fake_telegram import FakeTelegram

ANSWER_TIMEOUT = 120.0  # an update unanswered this long stalls its user (reported, not raised)
USERS_PER_CLAIMANT = 100_000  # user ids: claimant k's n-th complaint is base + k + n * this


@dataclass
class Answer:
    queued: float  # the update queued at the fake
    first: float  # the first reply (for a submission: the first effect) arrived
    last: float  # the whole answer arrived


@dataclass
class Load:
    """Shared by every user of one run: the fake, the window and what fell inside it."""

    fake: FakeTelegram
    arrivals: Arrivals
    start: float = math.inf
    end: float = math.inf
    answered: int = 0  # answers completed inside the window
    pending: int = 0  # updates queued inside the window and not answered yet
    first: list[float] = field(default_factory=list)  # first-reply latency, sent in the window
    stalled: list[str] = field(default_factory=list)
    stopping: bool = False  # users finish the exchange in hand and return
    submitted: int = 0

    def inside(self, moment: float) -> bool:
        return self.start <= moment < self.end

    def record(self, answer: Answer) -> None:
        if self.inside(answer.last):
            self.answered += 1
        if self.inside(answer.queued):
            self.first.append(answer.first - answer.queued)

    def new_user(self, user_id: int) -> int:
        self.fake.add_user(user_id, first_name=f"U{user_id}", language_code="en")
        return user_id


async def exchange(load: Load, user_id: int, queue: Callable[[], object], messages: int) -> Answer:
    """Queue one update and wait for its answer: `messages` replies, or for 0 any effect."""
    replies, effects = load.arrivals.count(user_id), load.arrivals.effect_count(user_id)
    queued = time.perf_counter()
    queue()
    inside = load.inside(queued)
    load.pending += inside
    try:
        return await _answer(load.arrivals, user_id, queued, replies, effects, messages)
    finally:
        load.pending -= inside


async def _answer(
    arrivals: Arrivals, user_id: int, queued: float, replies: int, effects: int, messages: int
) -> Answer:
    if messages == 0:
        await arrivals.wait_for(
            user_id,
            lambda: arrivals.effect_count(user_id) > effects,
            ANSWER_TIMEOUT,
            "the submission was not answered",
        )
        first = arrivals.effects[user_id][effects]
        return Answer(queued, first, first)
    await arrivals.wait_count(user_id, replies + messages, ANSWER_TIMEOUT)
    stamps = arrivals.by_chat[user_id]
    return Answer(queued, stamps[replies][0], stamps[replies + messages - 1][0])


async def act(load: Load, user_id: int, action: Action, seed: int) -> Answer:
    """One scripted action as an update, and its answer."""
    return await exchange(
        load,
        user_id,
        lambda: send(load.fake, load.arrivals, user_id, action, seed),
        action.messages,
    )


async def claimant(load: Load, index: int, base: int, plan: Script) -> None:
    """Files `plan` again and again, a new user each time, until cancelled."""
    try:
        for n in itertools.count():
            user_id = load.new_user(base + index + n * USERS_PER_CLAIMANT)
            for j, action in enumerate(plan.actions):
                if load.stopping:
                    return
                load.record(await act(load, user_id, action, seed=user_id * 100 + j))
            load.submitted += 1
    except (TimeoutError, LookupError) as stuck:
        load.stalled.append(str(stuck))


async def echo_user(load: Load, user_id: int) -> None:
    """Sends text after text, each after the echo of the one before."""
    load.new_user(user_id)
    try:
        for n in itertools.count():
            if load.stopping:
                return
            queue = functools.partial(load.fake.user_sends_text, user_id, f"hello {n}")
            load.record(await exchange(load, user_id, queue, 1))
    except TimeoutError as stuck:
        load.stalled.append(str(stuck))
