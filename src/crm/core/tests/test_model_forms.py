"""Forms shape input; services decide and save. A ModelForm that validates in Django's way writes
the cleaned values into its instance before the service compares them with what is saved, so the
service sees no change and saves nothing (the lead settings page once did exactly that). Every
ModelForm of the project therefore leaves its instance alone."""

import importlib
import pkgutil

from django import forms

import crm


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_no_model_form_changes_its_instance_before_the_service():
    for module in pkgutil.walk_packages(crm.__path__, "crm."):
        if module.name.split(".")[-1] in ("forms", "forms_admin") or ".forms." in module.name:
            importlib.import_module(module.name)
    ours = [cls for cls in _all_subclasses(forms.ModelForm) if cls.__module__.startswith("crm.")]
    assert len(ours) >= 8, len(ours)
    offenders = [f"{cls.__module__}.{cls.__name__}" for cls in ours if cls._post_clean is forms.ModelForm._post_clean]
    assert offenders == []
