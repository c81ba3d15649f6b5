"""The standard pipeline every installation starts with (OPP-9). Functions take the model
classes, so the data migration passes its historical models and tests the real ones. Idempotent."""

STANDARD = "标准销售流程"
STAGES = (
    # name, probability, kind, folded, required fields
    ("初步接洽", 10, "open", False, []),
    ("需求确认", 30, "open", False, []),
    ("方案报价", 50, "open", False, ["expected_amount"]),
    ("商务谈判", 70, "open", False, ["expected_amount", "expected_close"]),
    ("赢单", 100, "won", False, []),
    ("输单", 0, "lost", True, []),
)


def seed_pipeline(*, pipeline_model, stage_model) -> None:
    if pipeline_model.objects.exists():
        return
    pipeline = pipeline_model.objects.create(name=STANDARD, is_default=True, sort_order=0)
    stage_model.objects.bulk_create(
        stage_model(
            pipeline=pipeline, name=name, sort_order=index, probability=probability, kind=kind, folded=folded,
            required_fields=required,
        )
        for index, (name, probability, kind, folded, required) in enumerate(STAGES)
    )


def seed_all() -> None:
    from crm.opportunities.models import Pipeline, Stage

    seed_pipeline(pipeline_model=Pipeline, stage_model=Stage)
