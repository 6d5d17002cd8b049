"""Comments pages: thin views that read through comments.selectors, write through
comments.services and ask orgreg.roles who may see and do what (404 for what is hidden)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from orgreg.forms import apply_refusal
from orgreg.roles import editor_required, policy
from orgreg.versions import current_version
from units.models import Unit

from . import selectors, services
from .forms import AnswerForm, CommentForm, HandleForm


def _unit(structure, pk: int | None) -> Unit | None:
    return Unit.objects.filter(tree_id=structure.pk, pk=pk).first() if pk else None


def _page(request, structure, *, form=None, answer_forms=None, status=200):
    page = selectors.structure_comments(structure, request.user)
    answer_forms = answer_forms or {}
    answers = [(a, answer_forms.get(a.consultation.pk) or AnswerForm(
        units=page.units, prefix=f"svar{a.consultation.pk}")) for a in page.answerable]
    return render(request, "comments/structure_comments.html", {
        "structure": structure, "organisation": structure.organisation, "page": page,
        "form": form or (CommentForm(units=page.units) if page.can_comment else None),
        "answers": answers,
        "can_handle": policy(request.user).can_manage_structure(structure),
    }, status=status)


@login_required
def structure_comments(request, pk):
    """A structure's comments and høringssvar (what the user may see of them), and the forms
    to comment and to answer for a body while it is in consultation."""
    structure = policy(request.user).get_structure_or_404(pk)
    if request.method != "POST":
        return _page(request, structure)
    page = selectors.structure_comments(structure, request.user)
    form = CommentForm(request.POST, units=page.units)
    if form.is_valid():
        try:
            services.add_comment(structure, text=form.cleaned_data["text"], user=request.user,
                                 unit=_unit(structure, form.cleaned_data["unit"]))
        except ValidationError as error:
            apply_refusal(form, error)
        else:
            messages.success(request, "Din kommentar er gemt.")
            return redirect("comments:structure-comments", structure.pk)
    return _page(request, structure, form=form, status=400)


@require_POST
@login_required
def consultation_answer(request, pk):
    """A body's høringssvar, submitted by one of its members."""
    rules = policy(request.user)
    consultation = rules.get_consultation_or_404(pk)
    structure = rules.get_structure_or_404(consultation.structure_id)
    page = selectors.structure_comments(structure, request.user)
    form = AnswerForm(request.POST, units=page.units, prefix=f"svar{consultation.pk}")
    if form.is_valid():
        try:
            services.submit_answer(consultation, text=form.cleaned_data["text"],
                                   user=request.user,
                                   unit=_unit(structure, form.cleaned_data["unit"]))
        except ValidationError as error:
            apply_refusal(form, error)
        else:
            messages.success(request, f"Høringssvaret fra {consultation.consulted} er afgivet.")
            return redirect("comments:structure-comments", structure.pk)
    if not any(a.consultation.pk == consultation.pk for a in page.answerable):
        # Not (or no longer) theirs to answer: say why above the page's own forms.
        for message in form.errors.get("__all__", []) or form.errors.get("text", []):
            messages.error(request, message)
        return _page(request, structure, status=400)
    return _page(request, structure, answer_forms={consultation.pk: form}, status=400)


@editor_required
def comment_handle(request, pk):
    """An editor marks a comment handled with a reply (from the comments, edit or compare
    page: `next` leads back there)."""
    comment = policy(request.user).get_comment_or_404(pk)
    form = HandleForm(request.POST if request.method == "POST" else None, initial={
        "reply": comment.reply, "version": current_version(comment),
        "next": request.GET.get("next", "")})
    if request.method == "POST" and form.is_valid():
        try:
            services.handle_comment(comment, reply=form.cleaned_data["reply"], user=request.user,
                                    expected_version=form.expected_version())
        except ValidationError as error:
            apply_refusal(form, error)
        else:
            messages.success(request, "Kommentaren er markeret som behandlet.")
            target = form.cleaned_data.get("next") or ""
            if not url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                   require_https=request.is_secure()):
                target = comment.get_absolute_url()
            return redirect(target)
    return render(request, "comments/comment_handle.html", {
        "comment": comment, "form": form, "structure": comment.structure,
    }, status=400 if form.is_bound else 200)
