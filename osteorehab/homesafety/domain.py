"""The home-safety checklist, room by room, and what a check and a re-check find.

Pure Python, no Django. The clinical reference lists home hazards only as something to assess in
a person at risk of falling (clinical-reference 3.5, CDC STEADI, "home hazards", LOW: the
assessment list is from memory), alongside feet and footwear; it gives no checklist. The items
below are the program's own practical checklist, written in our own words, for clinical review:
the questions, the suggested actions, their default owners and the days until each is due are
LOCAL PROGRAM CHOICES (not from the clinical reference).

Two items touch the reference directly: bending low to reach things is a posture of high spinal
flexion, which people with osteoporosis are advised to avoid in daily life (clinical-reference
4.2, Royal Osteoporosis Society); and lying on the floor, unable to get up, is one of the
severity indicators after a fall (clinical-reference 3.6, World Falls Guidelines, LOW-MEDIUM),
hence the items on a phone within reach from the floor and on getting up.

Every question is worded so that "yes" is safe and "no" is the hazard. Each item is answered
"ok" (yes), "hazard" (no) or "not_applicable"; an item left unanswered was not checked, and is
never read as safe.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from osteorehab.assessments.instruments.base import gettext_noop


class Answer(StrEnum):
    OK = "ok"
    HAZARD = "hazard"
    NOT_APPLICABLE = "not_applicable"


class Owner(StrEnum):
    """Who carries out an action: the patient, a family caregiver, or the team's nurse."""

    PATIENT = "patient"
    CAREGIVER = "caregiver"
    NURSE = "nurse"


# The actions the patient and their caregiver may mark done themselves; the nurse's actions are
# marked done by the care team.
SELF_OWNERS = frozenset({Owner.PATIENT, Owner.CAREGIVER})


@dataclass(frozen=True)
class Item:
    """One question of the checklist, with the action suggested when the answer is no.
    English through the catalogue (gettext_noop); the Chinese is kept here too for output
    without Django."""

    code: str
    question: str
    question_zh: str
    action: str
    action_zh: str
    owner: Owner
    due_days: int  # days from the check to the action's due date


@dataclass(frozen=True)
class Room:
    code: str
    name: str
    name_zh: str
    items: tuple[Item, ...]


P, C, N = Owner.PATIENT, Owner.CAREGIVER, Owner.NURSE

ROOMS = (
    Room(
        "entrance",
        gettext_noop("Entrance and outside steps"),
        "入口与室外台阶",
        (
            Item(
                "entrance_path",
                gettext_noop(
                    "Is the path to the door even and clear, without cracks, loose paving, "
                    "moss or clutter?"
                ),
                "通往家门的路面是否平整通畅，没有裂缝、松动的地砖、青苔或杂物？",
                gettext_noop(
                    "Repair cracks and loose paving, and keep the path clear of moss, leaves "
                    "and objects."
                ),
                "修补裂缝和松动的地砖，清除路面上的青苔、落叶和杂物。",
                C,
                30,
            ),
            Item(
                "entrance_light",
                gettext_noop("Are the path and the door well lit after dark?"),
                "天黑后，路面和门口的照明是否充足？",
                gettext_noop(
                    "Fit an outside light at the door, ideally one that switches on by itself "
                    "when someone approaches."
                ),
                "在门口安装室外灯，最好是有人走近时自动亮起的感应灯。",
                C,
                30,
            ),
            Item(
                "entrance_rail",
                gettext_noop("Do the outside steps have a firm handrail?"),
                "室外台阶是否装有牢固的扶手？",
                gettext_noop("Fit a firm handrail beside the outside steps."),
                "在室外台阶旁安装牢固的扶手。",
                C,
                30,
            ),
            Item(
                "entrance_edges",
                gettext_noop("Are the edges of the outside steps easy to see?"),
                "室外台阶的边缘是否容易看清？",
                gettext_noop("Mark each step edge with a contrasting, non-slip strip."),
                "在每级台阶边缘贴上颜色醒目的防滑条。",
                C,
                30,
            ),
            Item(
                "entrance_bags",
                gettext_noop("Is there a shelf or bench by the door to put bags down on?"),
                "门旁是否有可以放下袋子的架子或凳子？",
                gettext_noop(
                    "Put a shelf or bench by the door, so that both hands are free to open it "
                    "and hold on."
                ),
                "在门旁放一个架子或凳子，开门时双手可以空出来扶稳。",
                C,
                14,
            ),
        ),
    ),
    Room(
        "living",
        gettext_noop("Hallways and living room"),
        "走廊与客厅",
        (
            Item(
                "living_walkways",
                gettext_noop("Are the walkways free of clutter, cables and cords?"),
                "走道上是否没有杂物、电线和绳子？",
                gettext_noop("Clear the walkways; run cables along the walls or remove them."),
                "清理走道；把电线沿墙边固定或移走。",
                P,
                7,
            ),
            Item(
                "living_rugs",
                gettext_noop(
                    "Are rugs and mats either removed or fixed flat with a non-slip backing?"
                ),
                "地毯和地垫是否已经移走，或者用防滑底垫平整固定？",
                gettext_noop(
                    "Remove loose rugs and mats, or fix them flat with a non-slip backing or "
                    "double-sided tape."
                ),
                "移走松动的地毯和地垫，或用防滑底垫或双面胶把它们平整固定。",
                P,
                7,
            ),
            Item(
                "living_floor",
                gettext_noop(
                    "Are the floors even and not slippery, without loose boards, raised "
                    "thresholds or curled carpet edges?"
                ),
                "地面是否平整、不滑，没有松动的地板、凸起的门槛或卷起的地毯边？",
                gettext_noop(
                    "Repair loose boards and curled carpet edges, and mark or level raised "
                    "thresholds."
                ),
                "修理松动的地板和卷起的地毯边，把凸起的门槛做上标记或找平。",
                C,
                30,
            ),
            Item(
                "living_chair",
                gettext_noop(
                    "Is there a firm chair with armrests, high enough to stand up from easily?"
                ),
                "是否有一把带扶手的结实椅子，高度合适，容易站起来？",
                gettext_noop(
                    "Provide a firm chair with armrests at a height that makes standing up easy."
                ),
                "准备一把带扶手的结实椅子，高度以容易站起为宜。",
                C,
                30,
            ),
        ),
    ),
    Room(
        "stairs",
        gettext_noop("Stairs"),
        "楼梯",
        (
            Item(
                "stairs_rails",
                gettext_noop(
                    "Are there firm handrails on both sides, along the whole length of the stairs?"
                ),
                "楼梯两侧是否都装有贯穿全程的牢固扶手？",
                gettext_noop(
                    "Fit firm handrails on both sides, running the whole length of the stairs."
                ),
                "在楼梯两侧安装贯穿全程的牢固扶手。",
                C,
                30,
            ),
            Item(
                "stairs_light",
                gettext_noop(
                    "Are the stairs well lit, with a light switch at the top and at the bottom?"
                ),
                "楼梯照明是否充足，楼上楼下都有电灯开关？",
                gettext_noop(
                    "Brighten the stair lighting and fit a switch at both the top and the bottom."
                ),
                "加强楼梯照明，在楼梯上下两端都安装开关。",
                C,
                30,
            ),
            Item(
                "stairs_clear",
                gettext_noop("Are the stairs kept clear of objects?"),
                "楼梯上是否没有堆放物品？",
                gettext_noop(
                    "Keep the stairs clear; do not leave things on the steps to carry later."
                ),
                "保持楼梯通畅，不要把东西放在台阶上等着以后再拿。",
                P,
                7,
            ),
            Item(
                "stairs_treads",
                gettext_noop(
                    "Are the steps in good repair, with non-slip surfaces and clearly visible "
                    "edges?"
                ),
                "台阶是否完好、表面防滑、边缘清晰可见？",
                gettext_noop(
                    "Repair damaged steps or loose carpet, and fit contrasting non-slip strips "
                    "on the edges."
                ),
                "修理损坏的台阶或松动的地毯，并在台阶边缘贴上颜色醒目的防滑条。",
                C,
                30,
            ),
        ),
    ),
    Room(
        "kitchen",
        gettext_noop("Kitchen"),
        "厨房",
        (
            # bending low is high spinal flexion, avoided in daily life (clinical-reference 4.2)
            Item(
                "kitchen_reach",
                gettext_noop(
                    "Are everyday items kept between waist and shoulder height, so that no "
                    "bending low or reaching high is needed?"
                ),
                "常用物品是否放在腰部到肩部之间的高度，不需要弯腰到低处或伸手够高处？",
                gettext_noop("Move everyday items to shelves between waist and shoulder height."),
                "把常用物品移到腰部到肩部高度之间的架子上。",
                P,
                7,
            ),
            Item(
                "kitchen_climbing",
                gettext_noop(
                    "Can everything needed be reached without climbing on a chair or stool?"
                ),
                "所需物品是否不必爬上椅子或凳子就能拿到？",
                gettext_noop(
                    "Do not climb on chairs or stools; store things lower, or ask someone to help."
                ),
                "不要爬到椅子或凳子上；把东西放低一些，或请人帮忙。",
                P,
                7,
            ),
            Item(
                "kitchen_floor",
                gettext_noop("Is the floor kept dry, with spills wiped up at once?"),
                "地面是否保持干燥，洒出的东西是否马上擦干？",
                gettext_noop("Wipe up spills at once and put a non-slip mat by the sink."),
                "洒出东西要马上擦干，在水池前放一块防滑垫。",
                P,
                7,
            ),
        ),
    ),
    Room(
        "bedroom",
        gettext_noop("Bedroom"),
        "卧室",
        (
            Item(
                "bedroom_lamp",
                gettext_noop("Can a light be switched on from the bed?"),
                "躺在床上是否能打开电灯？",
                gettext_noop("Put a lamp or a light switch within reach of the bed."),
                "在床边伸手可及的地方放一盏台灯或装一个开关。",
                P,
                7,
            ),
            Item(
                "bedroom_night_route",
                gettext_noop("Is the route from the bed to the toilet clear and lit at night?"),
                "夜间从床到卫生间的路线是否通畅并有照明？",
                gettext_noop(
                    "Clear the route from the bed to the toilet and fit plug-in night lights "
                    "along it."
                ),
                "清理从床到卫生间的路线，并沿途安装插电式小夜灯。",
                P,
                7,
            ),
            Item(
                "bedroom_bed_height",
                gettext_noop(
                    "Sitting on the bed, do the feet rest flat on the floor, and is standing up "
                    "easy?"
                ),
                "坐在床边时，双脚是否能平放在地上，站起来是否容易？",
                gettext_noop(
                    "Adjust the bed to a height at which the feet rest flat on the floor when "
                    "sitting."
                ),
                "调整床的高度，使坐在床边时双脚能平放在地上。",
                C,
                30,
            ),
            Item(
                "bedroom_dressing",
                gettext_noop("Is there a stable chair to sit on while dressing?"),
                "是否有一把稳固的椅子可以坐着穿衣？",
                gettext_noop(
                    "Place a stable chair with armrests in the bedroom, to dress sitting down."
                ),
                "在卧室放一把带扶手的稳固椅子，坐着穿衣。",
                P,
                14,
            ),
        ),
    ),
    Room(
        "bathroom",
        gettext_noop("Bathroom and toilet"),
        "浴室与卫生间",
        (
            Item(
                "bathroom_grab_bath",
                gettext_noop(
                    "Are there grab bars by the bath or in the shower, fixed to the wall?"
                ),
                "浴缸旁或淋浴区是否装有固定在墙上的扶手？",
                gettext_noop(
                    "Fit grab bars by the bath or in the shower, screwed to the wall (not "
                    "suction cups)."
                ),
                "在浴缸旁或淋浴区安装用螺丝固定在墙上的扶手（不要用吸盘式）。",
                C,
                30,
            ),
            Item(
                "bathroom_grab_toilet",
                gettext_noop("Is there a grab bar or a frame beside the toilet?"),
                "马桶旁是否装有扶手或扶架？",
                gettext_noop("Fit a grab bar or a toilet frame beside the toilet."),
                "在马桶旁安装扶手或马桶扶架。",
                C,
                30,
            ),
            Item(
                "bathroom_non_slip",
                gettext_noop(
                    "Are the floor of the bath or shower and the floor beside it non-slip?"
                ),
                "浴缸或淋浴区的地面及其旁边的地面是否防滑？",
                gettext_noop("Put a non-slip mat in the bath or shower and another one beside it."),
                "在浴缸或淋浴区内放防滑垫，旁边的地面也放一块。",
                P,
                7,
            ),
            Item(
                "bathroom_seat",
                gettext_noop(
                    "Can the patient wash sitting down if needed, on a shower chair or a bath "
                    "board?"
                ),
                "需要时，患者能否坐在洗澡椅或浴缸板上洗澡？",
                gettext_noop(
                    "Arrange a shower chair or a bath board; refer for an occupational therapy "
                    "home assessment if needed."
                ),
                "安排洗澡椅或浴缸板；如有需要，转介作业治疗师进行家居评估。",
                N,
                14,
            ),
            Item(
                "bathroom_toilet_height",
                gettext_noop("Is the toilet high enough to sit down and stand up easily?"),
                "马桶高度是否合适，能轻松坐下和站起？",
                gettext_noop("Fit a raised toilet seat."),
                "加装马桶增高座。",
                C,
                30,
            ),
            Item(
                "bathroom_door",
                gettext_noop("Can the bathroom door be opened from outside in an emergency?"),
                "紧急情况下，浴室门能否从外面打开？",
                gettext_noop(
                    "Replace the lock with one that opens from outside, or agree not to lock "
                    "the door."
                ),
                "把门锁换成可以从外面打开的款式，或约定不锁门。",
                C,
                14,
            ),
        ),
    ),
    Room(
        "general",
        gettext_noop("Whole home: lighting, footwear, walking aids and calling for help"),
        "全屋：照明、鞋子、助行器具与紧急呼叫",
        (
            Item(
                "general_lighting",
                gettext_noop(
                    "Is the lighting bright enough throughout the home, with every bulb working?"
                ),
                "全屋照明是否充足，所有灯泡都能正常使用？",
                gettext_noop("Replace dim or broken bulbs, and add lamps where rooms are dark."),
                "更换昏暗或损坏的灯泡，在光线暗的房间增加灯具。",
                C,
                14,
            ),
            # footwear is on the reference's list of things to assess (clinical-reference 3.5)
            Item(
                "general_footwear",
                gettext_noop(
                    "Are the shoes and slippers worn indoors and out well-fitting, with closed "
                    "heels and non-slip soles?"
                ),
                "室内外穿的鞋和拖鞋是否合脚、包后跟、鞋底防滑？",
                gettext_noop(
                    "Wear well-fitting shoes with closed heels and non-slip soles; replace worn "
                    "or backless slippers."
                ),
                "穿合脚、包后跟、鞋底防滑的鞋；更换磨损或没有后跟的拖鞋。",
                P,
                14,
            ),
            Item(
                "general_aids",
                gettext_noop(
                    "Are the walking aids in use the right height, in good repair and kept "
                    "within reach?"
                ),
                "正在使用的助行器具高度是否合适、状况良好、放在伸手可及的地方？",
                gettext_noop(
                    "Check the walking aid's height, tips and brakes, and refer to the "
                    "rehabilitation therapist if it needs changing."
                ),
                "检查助行器具的高度、脚垫和刹车，如需更换，转介康复治疗师。",
                N,
                14,
            ),
            # lying on the floor is a severity indicator after a fall (clinical-reference 3.6)
            Item(
                "general_phone",
                gettext_noop(
                    "Is a phone or an emergency call button within reach at all times, even "
                    "from the floor?"
                ),
                "电话或紧急呼叫按钮是否随时伸手可及，即使倒在地上也能够到？",
                gettext_noop(
                    "Keep a phone within reach at all times, and discuss a wearable emergency "
                    "alarm."
                ),
                "随时把电话放在伸手可及的地方，并商量佩戴紧急呼叫器。",
                N,
                14,
            ),
            Item(
                "general_getting_up",
                gettext_noop(
                    "Does the patient know how to get up from the floor, and what to do if "
                    "they cannot?"
                ),
                "患者是否知道如何从地上起身，以及起不来时该怎么办？",
                gettext_noop(
                    "Teach, or ask the rehabilitation therapist to teach, how to get up from "
                    "the floor, and what to do and whom to call if that is not possible."
                ),
                "由护士或康复治疗师教患者如何从地上起身，以及起不来时该怎么做、该联系谁。",
                N,
                14,
            ),
        ),
    ),
)
ITEMS = tuple(item for room in ROOMS for item in room.items)
ITEMS_BY_CODE = {item.code: item for item in ITEMS}
ROOM_OF = {item.code: room for room in ROOMS for item in room.items}


@dataclass(frozen=True)
class Hazard:
    """An item answered "hazard", with its room: it becomes an action."""

    item: Item
    room: Room

    @property
    def code(self) -> str:
        return self.item.code


def answered(answers: Mapping[str, str]) -> dict[str, Answer]:
    """The answers, checked: every code must be an item of the checklist and every answer one
    of ok / hazard / not_applicable. Anything else is refused with a ValueError naming it,
    never dropped: a typo must not turn a hazard into an item nobody checked."""
    unknown = sorted(str(code) for code in answers if code not in ITEMS_BY_CODE)
    if unknown:
        raise ValueError(f"unknown checklist items: {', '.join(unknown)}")
    values = {answer.value for answer in Answer}
    bad = sorted(
        f"{code}={value!r}"
        for code, value in answers.items()
        if not isinstance(value, str) or value not in values
    )
    if bad:
        raise ValueError(f"unknown answers: {', '.join(bad)}")
    return {code: Answer(answers[code]) for code in ITEMS_BY_CODE if code in answers}


def hazards(answers: Mapping[str, str]) -> list[Hazard]:
    """The items answered "hazard", in the checklist's order."""
    given = answered(answers)
    return [
        Hazard(item, ROOM_OF[item.code]) for item in ITEMS if given.get(item.code) is Answer.HAZARD
    ]


def not_checked(answers: Mapping[str, str]) -> list[Item]:
    """The items without an answer: not checked, which is not the same as safe."""
    given = answered(answers)
    return [item for item in ITEMS if item.code not in given]


def by_room(answers: Mapping[str, str]) -> list[tuple[Room, list[tuple[Item, Answer | None]]]]:
    """Every room with each item's answer (None: not checked), in the checklist's order."""
    given = answered(answers)
    return [(room, [(item, given.get(item.code)) for item in room.items]) for room in ROOMS]


@dataclass(frozen=True)
class Recheck:
    """What a new check finds about the actions still open from earlier checks.

    `resolved`: open items now answered "ok". `still_present`: open items answered "hazard"
    again (their action stays open; no second action). `not_rechecked`: open items the new check
    left unanswered or marked not applicable (the action stays open: only an explicit "ok"
    resolves it). `new`: hazards with no open action, which become new actions."""

    resolved: tuple[str, ...]
    still_present: tuple[str, ...]
    not_rechecked: tuple[str, ...]
    new: tuple[Hazard, ...]


def recheck(previous_actions: Iterable[str], new_answers: Mapping[str, str]) -> Recheck:
    """Compare the item codes of the earlier actions still open with a new check's answers.

    An open action whose item is no longer on the checklist cannot be re-checked, so it stays
    open (not_rechecked) rather than being refused or silently closed."""
    given = answered(new_answers)
    open_items = list(dict.fromkeys(previous_actions))
    resolved, present, unchecked = [], [], []
    for code in open_items:
        answer = given.get(code)
        if answer is Answer.OK:
            resolved.append(code)
        elif answer is Answer.HAZARD:
            present.append(code)
        else:
            unchecked.append(code)
    still_open = set(open_items)
    new = tuple(h for h in hazards(given) if h.code not in still_open)
    return Recheck(tuple(resolved), tuple(present), tuple(unchecked), new)
