from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from complaints.access import signed_in
from complaints.blueprints.account import bp
from complaints.blueprints.account.forms import ChangePasswordForm
from complaints.extensions import db
from complaints.navigation import navigation_for
from complaints.services.accounts import AccountError, change_password


@bp.get("")
@signed_in
def home():
    return render_template("account/home.html", form=ChangePasswordForm(), shortcuts=navigation_for(current_user.role))


@bp.post("/kata-sandi")
@signed_in
def password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            change_password(current_user, form.current_password.data, form.new_password.data)
        except AccountError as exc:
            db.session.rollback()
            form.current_password.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("account.home"))
    status = 422 if request.method == "POST" else 200
    return render_template("account/home.html", form=form, shortcuts=navigation_for(current_user.role)), status
