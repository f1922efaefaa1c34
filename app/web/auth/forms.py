from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请输入用户名"), Length(max=64)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码"), Length(max=128)])


class PasswordForm(FlaskForm):
    current_password = PasswordField("当前密码", validators=[DataRequired("请输入当前密码"), Length(max=128)])
    new_password = PasswordField("新密码", validators=[DataRequired("请输入新密码"), Length(max=128)])
    confirm = PasswordField("确认新密码", validators=[DataRequired("请再次输入新密码"), Length(max=128)])
