"""The sizes of each scale. `party` is the target of issue 8; `section` is a
fifteenth of it (about a big federation); `tiny` is for tests."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    people: int
    sections: int
    groups: int
    largest_group: int
    threads: int
    replies: int
    reactions: int
    ideas: int
    supports: int
    events: int
    rsvps: int
    # Share of posts that somebody reports (moderation history).
    report_rate: float
    # Share of people who are sympathisants (the rest claimed a membership).
    supporter_share: float = 0.7


SCALES: dict[str, Scale] = {
    "tiny": Scale(
        name="tiny",
        people=1_500,
        sections=30,
        groups=25,
        largest_group=300,
        threads=300,
        replies=3_000,
        reactions=5_000,
        ideas=120,
        supports=1_500,
        events=60,
        rsvps=800,
        report_rate=0.01,
    ),
    "section": Scale(
        name="section",
        people=40_000,
        sections=200,
        groups=330,
        largest_group=1_350,
        threads=33_000,
        replies=330_000,
        reactions=660_000,
        ideas=3_300,
        supports=66_000,
        events=1_300,
        rsvps=33_000,
        report_rate=0.002,
    ),
    "party": Scale(
        name="party",
        people=600_000,
        sections=3_000,
        groups=5_000,
        largest_group=20_000,
        threads=500_000,
        replies=5_000_000,
        reactions=10_000_000,
        ideas=50_000,
        supports=1_000_000,
        events=20_000,
        rsvps=500_000,
        report_rate=0.001,
    ),
}
