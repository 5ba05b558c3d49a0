"""Ships one realistic industry chain, new-energy vehicles (新能源汽车), upstream to downstream.

The chain and its links are the same everywhere; chain-leader enterprises are a city's own
and are entered in the back office.
"""

from django.db import migrations

LINKS = [
    # (segment, position, name, description)
    (1, 1, "动力电池", "电芯、模组、电池包及正负极材料、隔膜、电解液（GB/T 4754: 3841 锂离子电池制造）"),
    (1, 2, "驱动电机", "永磁同步电机、扁线电机（3812 电动机制造）"),
    (1, 3, "电控系统", "电机控制器、整车控制器、电池管理系统（3670 汽车零部件及配件制造）"),
    (1, 4, "传感器", "激光雷达、毫米波雷达、摄像头模组（3983 敏感元件及传感器制造）"),
    (2, 1, "汽车线束", "高压线束、低压线束、连接器（3831 电线、电缆制造）"),
    (2, 2, "轮胎", "新能源汽车专用低滚阻轮胎（2911 轮胎制造）"),
    (2, 3, "底盘系统", "线控底盘、制动、转向、悬架（3670 汽车零部件及配件制造）"),
    (2, 4, "智能座舱", "车载显示、中控、座椅、车载娱乐系统（3670、3969）"),
    (3, 1, "整车制造", "新能源乘用车、商用车、专用车（3612 新能源车整车制造）"),
    (3, 2, "充电设施", "充电桩、换电站、充电运营（3824、4420）"),
]


def add_chain(apps, schema_editor):
    IndustryChain = apps.get_model("regions", "IndustryChain")
    ChainLink = apps.get_model("regions", "ChainLink")
    chain, _created = IndustryChain.objects.get_or_create(
        name="新能源汽车",
        defaults={
            "description": "上游核心零部件（三电、传感器）、中游配套零部件、下游整车与充电设施。",
            "position": 1,
        },
    )
    for segment, position, name, description in LINKS:
        ChainLink.objects.get_or_create(
            chain=chain,
            name=name,
            defaults={"segment": segment, "position": position, "description": description},
        )


def remove_chain(apps, schema_editor):
    IndustryChain = apps.get_model("regions", "IndustryChain")
    ChainLink = apps.get_model("regions", "ChainLink")
    ChainLink.objects.filter(chain__name="新能源汽车").delete()
    IndustryChain.objects.filter(name="新能源汽车").delete()


class Migration(migrations.Migration):
    dependencies = [("regions", "0003_targets_race_chains")]

    operations = [migrations.RunPython(add_chain, remove_chain)]
